"""Emails that failed: the merchant sees each with its error and sends it
again once the cause is fixed (a mistyped address, the mail server down).
Nothing is lost meanwhile: a failed email stays in the outbox."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lojista.core.errors import DomainError
from lojista.customers.web import staff_required
from lojista.notifications.errors import OutboxMessageNotFound
from lojista.notifications.models import OutboxMessage
from lojista.notifications.selectors import outbox_message, outbox_page
from lojista.notifications.services import outbox_retry

from ..paging import page_or_first

PAGE_SIZE = 50


@require_GET
@staff_required
def failed_emails(request: HttpRequest) -> HttpResponse:
    page = page_or_first(
        request,
        lambda cursor: outbox_page(status=OutboxMessage.Status.FAILED, cursor=cursor, limit=PAGE_SIZE),
    )
    return render(request, "backoffice/outbox/failed.html", {"page": page})


@require_POST
@staff_required
def retry(request: HttpRequest, message_id: int) -> HttpResponse:
    try:
        message = outbox_message(message_id=message_id)
    except OutboxMessageNotFound:
        raise Http404(_("No such email.")) from None
    try:
        outbox_retry(message=message)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("backoffice:failed_emails")
    messages.success(
        request, _("The email to %(to)s is being sent again.") % {"to": ", ".join(message.recipients)}
    )
    return redirect("backoffice:failed_emails")
