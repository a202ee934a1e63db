"""The account emails, registered in the email-kind registry
(NotificationsConfig.ready): customers sits below notifications, so it only
sends ``customers.signals.password_reset_requested``, and this module queues
the email.

``password_reset``'s variables: ``user`` (``name``, ``email``), ``reset_url``
and ``valid_hours``. The link's token is made when the email is rendered,
not when it is queued, so that no secret is copied into the outbox
(docs/security.md) and its lifetime runs from the moment it is sent.
"""

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy

from lojista.core.links import password_reset_url
from lojista.customers.models import User
from lojista.notifications import kinds
from lojista.notifications.kinds import EmailKind, EmailRef
from lojista.notifications.models import NotificationSettings
from lojista.notifications.services import outbox_queue
from lojista.notifications.templating import SHIPPED_DIR

USER = "user"
PASSWORD_RESET = "password_reset"


def _valid_hours() -> int:
    return max(1, round(settings.PASSWORD_RESET_TIMEOUT / 3600))


def _password_reset_context(ref: EmailRef, shop: NotificationSettings) -> dict[str, Any]:
    user = ref.subject or User.objects.get(pk=ref.subject_id)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return {
        "user": {"name": user.name, "email": user.email},
        "reset_url": password_reset_url(uid, default_token_generator.make_token(user)),
        "valid_hours": _valid_hours(),
    }


def _password_reset_sample(shop: NotificationSettings) -> dict[str, Any]:
    return {
        "user": {"name": "Ana Souza", "email": "ana@example.com"},
        "reset_url": password_reset_url("MQ", "sample-token"),
        "valid_hours": _valid_hours(),
    }


PASSWORD_RESET_KIND = EmailKind(
    key=PASSWORD_RESET,
    label=gettext_lazy("Password reset"),
    audience="customer",
    template_dir=SHIPPED_DIR,
    subject_type=USER,
    context=_password_reset_context,
    sample=_password_reset_sample,
    load=lambda ids: {str(pk): user for pk, user in User.objects.in_bulk(ids).items()},
)


def register_account_kinds() -> None:
    kinds.register(PASSWORD_RESET_KIND)


def queue_password_reset_email(sender: Any, *, user: User, language: str, **kwargs: Any) -> None:
    """``customers.signals.password_reset_requested`` -> the email, in the
    request's transaction; every request its own email (the rate limit, 3 an
    hour per email, bounds them)."""
    outbox_queue(
        kind=PASSWORD_RESET,
        recipients=[user.email],
        language=language,
        dedupe_key=f"user:{user.pk}:password_reset:{uuid.uuid4().hex}",
        ref=EmailRef(USER, str(user.pk)),
    )
