"""Errors of notifications, mapped to HTTP in lojista/api.py."""

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Conflict, NotFound


class EmailTemplateNotFound(NotFound):
    """An email kind or language that has no template."""

    default_message = _("There is no such email template.")


class OutboxMessageNotFound(NotFound):
    default_message = _("This email does not exist.")


class OutboxMessageNotFailed(Conflict):
    """Only a failed email is sent again by hand; the others are on their way."""

    code = "email_not_failed"
    default_message = _("Only a failed email can be retried.")
