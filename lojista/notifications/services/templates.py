"""The shop's email settings and the templates merchants edit: saving
them, going back to the shipped template, and trying one out (a test send)."""

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from lojista.core.errors import InvalidInput
from lojista.core.validation import check_http_url
from lojista.customers.models import User
from lojista.notifications import kinds
from lojista.notifications.headers import check_address, check_one_line
from lojista.notifications.kinds import EmailRef
from lojista.notifications.models import EmailTemplate, NotificationSettings, OutboxMessage
from lojista.notifications.rendering import check_template
from lojista.notifications.services.outbox import outbox_queue
from lojista.notifications.templating import Source

MAX_NOTIFICATION_ADDRESSES = 20


def _check_addresses(field: str, addresses: list[str]) -> None:
    for address in addresses:
        check_address(field, address)


def _check_url(field: str, url: str) -> None:
    if url:
        check_http_url(field, url)


@transaction.atomic
def notification_settings_update(
    *,
    sender_name: str,
    sender_email: str,
    logo_url: str,
    order_notification_emails: list[str],
    payment_instructions: str,
) -> NotificationSettings:
    """Save the shop's email settings; an invalid address is refused, named."""
    addresses = list(
        dict.fromkeys(address.strip() for address in order_notification_emails if address.strip())
    )
    if len(addresses) > MAX_NOTIFICATION_ADDRESSES:
        message = _("At most %(count)d addresses.") % {"count": MAX_NOTIFICATION_ADDRESSES}
        raise InvalidInput.field("order_notification_emails", message)
    _check_addresses("order_notification_emails", addresses)
    sender_name, sender_email = sender_name.strip(), sender_email.strip()
    if sender_email:
        _check_addresses("sender_email", [sender_email])
    check_one_line("sender_name", sender_name)
    _check_url("logo_url", logo_url)
    row, _created = NotificationSettings.objects.update_or_create(
        pk=1,
        defaults={
            "sender_name": sender_name,
            "sender_email": sender_email,
            "logo_url": logo_url,
            "order_notification_emails": addresses,
            "payment_instructions": payment_instructions,
        },
    )
    return row


@transaction.atomic
def email_template_save(
    *, kind: str, language: str, subject: str, body_text: str, body_html: str, actor: User | None
) -> EmailTemplate:
    """Save the merchant's version of email ``kind`` in ``language``."""
    check_template(
        Source(subject=subject, text=body_text, html=body_html), kind=kinds.get(kind), language=language
    )
    template, _created = EmailTemplate.objects.update_or_create(
        kind=kind,
        language=language,
        defaults={"subject": subject, "body_text": body_text, "body_html": body_html, "updated_by": actor},
    )
    return template


@transaction.atomic
def email_template_reset(*, kind: str, language: str) -> None:
    """Go back to the shipped template."""
    EmailTemplate.objects.filter(kind=kind, language=language).delete()


def email_test_send(*, kind: str, language: str, to: str, subject_id: str | None = None) -> OutboxMessage:
    """Queue email ``kind`` in ``language`` to ``to``, marked as a test: shown
    on its subject ``subject_id`` (None: on the kind's sample), with the
    kind's sample row data. Test sends stay off timelines."""
    _check_addresses("to", [to])
    subject_type = kinds.get(kind).subject_type
    return outbox_queue(
        kind=kind,
        recipients=[to],
        language=language,
        dedupe_key=f"test:{uuid.uuid4().hex}",
        ref=EmailRef(subject_type, subject_id) if subject_id is not None else None,
        is_test=True,
    )
