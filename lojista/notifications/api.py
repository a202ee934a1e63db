"""Back-office API of notifications: the shop's email settings, the email
templates (edit, preview, test send), emailing a customer about an order,
and the outbox."""

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from lojista.core.schemas import Error
from lojista.customers.auth import owner_auth, staff_auth
from lojista.customers.models import User
from lojista.notifications import selectors, services
from lojista.notifications.models import NotificationSettings, OutboxMessage
from lojista.notifications.rendering import RenderedEmail
from lojista.notifications.schemas import (
    ContactIn,
    EmailTemplateIn,
    EmailTemplateOut,
    NotificationSettingsIn,
    NotificationSettingsOut,
    OutboxMessageOut,
    OutboxPageOut,
    PreviewIn,
    PreviewOut,
    TestSendIn,
)
from lojista.orders.schemas import MAX_NUMBER
from lojista.orders.selectors import order_by_number

# Staff by default (order messages, the outbox); the shop's settings and its
# email templates (read, edit, preview, test send) are the owner's. The
# selectors also hold a template to its kind's editors (owners by default),
# for the back office's views, which call them too.
router = Router(tags=["notifications"], auth=staff_auth)

STAFF_ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}
TEMPLATE_PATH = "/admin/email-templates/{kind}/{language}"
Number = Path(ge=1, le=MAX_NUMBER, description="The order number, e.g. 1001.")


class StaffRequest(HttpRequest):
    auth: User


@router.get(
    "/admin/notification-settings", auth=owner_auth, response={200: NotificationSettingsOut, **STAFF_ERRORS}
)
def get_notification_settings(request: StaffRequest) -> NotificationSettings:
    return NotificationSettings.load()


@router.put(
    "/admin/notification-settings", auth=owner_auth, response={200: NotificationSettingsOut, **STAFF_ERRORS}
)
def put_notification_settings(request: StaffRequest, payload: NotificationSettingsIn) -> NotificationSettings:
    """Replace the settings; an invalid address is `422`, naming it."""
    return services.notification_settings_update(**payload.dict())


@router.get("/admin/email-templates", auth=owner_auth, response={200: list[EmailTemplateOut], **STAFF_ERRORS})
def list_email_templates(request: StaffRequest) -> list[selectors.TemplateView]:
    """Every registered email in every language: the merchant's version
    (`overridden`) or the shipped one."""
    return selectors.email_templates(user=request.auth)


@router.get(TEMPLATE_PATH, auth=owner_auth, response={200: EmailTemplateOut, **STAFF_ERRORS})
def get_email_template(request: StaffRequest, kind: str, language: str) -> selectors.TemplateView:
    """An email kind nobody registered is `404`."""
    email_kind, language = selectors.template_key(kind=kind, language=language, user=request.auth)
    return selectors.email_template(kind=email_kind, language=language)


@router.put(TEMPLATE_PATH, auth=owner_auth, response={200: EmailTemplateOut, **STAFF_ERRORS})
def put_email_template(
    request: StaffRequest, kind: str, language: str, payload: EmailTemplateIn
) -> selectors.TemplateView:
    """Save the shop's version. A syntax error, or a tag or filter that is not
    allowed (docs/emails.md), is `422` with the template engine's message."""
    email_kind, language = selectors.template_key(kind=kind, language=language, user=request.auth)
    services.email_template_save(kind=email_kind.key, language=language, actor=request.auth, **payload.dict())
    return selectors.email_template(kind=email_kind, language=language)


@router.delete(TEMPLATE_PATH, auth=owner_auth, response={200: EmailTemplateOut, **STAFF_ERRORS})
def delete_email_template(request: StaffRequest, kind: str, language: str) -> selectors.TemplateView:
    """Go back to the shipped template (returned)."""
    email_kind, language = selectors.template_key(kind=kind, language=language, user=request.auth)
    services.email_template_reset(kind=email_kind.key, language=language)
    return selectors.email_template(kind=email_kind, language=language)


@router.post(f"{TEMPLATE_PATH}/preview", auth=owner_auth, response={200: PreviewOut, **STAFF_ERRORS})
def preview_email_template(
    request: StaffRequest, kind: str, language: str, payload: PreviewIn
) -> RenderedEmail:
    """The email as the order would receive it, with the saved template or the
    drafts given (a missing draft part is taken from the saved template)."""
    email_kind, language = selectors.template_key(kind=kind, language=language, user=request.auth)
    return selectors.email_preview(
        kind=email_kind,
        language=language,
        subject_id=selectors.preview_subject(kind=email_kind, order_number=payload.order_number),
        subject=payload.subject,
        body_text=payload.body_text,
        body_html=payload.body_html,
    )


@router.post(f"{TEMPLATE_PATH}/test-send", auth=owner_auth, response={202: OutboxMessageOut, **STAFF_ERRORS})
def test_send_email_template(request: StaffRequest, kind: str, language: str, payload: TestSendIn) -> Status:
    """Queue the email to `to` (default: you), marked as a test."""
    email_kind, language = selectors.template_key(kind=kind, language=language, user=request.auth)
    message = services.email_test_send(
        kind=email_kind.key,
        language=language,
        to=payload.to or request.auth.email,
        subject_id=selectors.preview_subject(kind=email_kind, order_number=payload.order_number),
    )
    return Status(202, message)


@router.post("/admin/orders/{number}/messages", response={202: OutboxMessageOut, **STAFF_ERRORS})
def contact_customer(request: StaffRequest, payload: ContactIn, number: int = Number) -> Status:
    """Email the order's customer a message (1 to 5000 characters); it shows on the order's timeline."""
    order = order_by_number(number=number)
    return Status(202, services.order_contact_send(order=order, message=payload.message, actor=request.auth))


@router.get("/admin/outbox", response={200: OutboxPageOut, **STAFF_ERRORS})
def list_outbox(
    request: StaffRequest,
    status: OutboxMessage.Status | None = None,
    cursor: str | None = Query(None, description="`next_cursor` of the previous page."),
    limit: int = Query(50, ge=1, le=200),
) -> selectors.OutboxPage:
    """Emails, newest first; `?status=failed` lists those that need attention."""
    return selectors.outbox_page(status=status, cursor=cursor, limit=limit)


@router.post("/admin/outbox/{message_id}/retry", response={200: OutboxMessageOut, 409: Error, **STAFF_ERRORS})
def retry_outbox_message(request: StaffRequest, message_id: int) -> OutboxMessage:
    """Send a failed email again (`409 email_not_failed` for any other)."""
    return services.outbox_retry(message=selectors.outbox_message(message_id=message_id))
