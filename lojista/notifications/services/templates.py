"""The shop's email settings (with the shop's own settings, on the back
office's shop page) and the templates merchants edit: saving them, going
back to the shipped template, and trying one out (a test send)."""

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lojista.core.errors import InvalidInput
from lojista.core.i18n import language_codes
from lojista.core.services import shop_settings_update
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


def _translations(translations: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The translations as stored: languages the shop speaks, empty texts dropped."""
    unknown = sorted(set(translations) - set(language_codes()))
    if unknown:
        message = _("Unknown language: %(language)s. Use one of %(languages)s.") % {
            "language": ", ".join(unknown),
            "languages": ", ".join(language_codes()),
        }
        raise InvalidInput.field("translations", message)
    stored = {}
    for language, texts in translations.items():
        texts = {field: text for field, text in texts.items() if text.strip()}
        if texts:
            stored[language] = texts
    return stored


def _notification_addresses(order_notification_emails: list[str]) -> list[str]:
    addresses = list(
        dict.fromkeys(address.strip() for address in order_notification_emails if address.strip())
    )
    if len(addresses) > MAX_NOTIFICATION_ADDRESSES:
        message = _("At most %(count)d addresses.") % {"count": MAX_NOTIFICATION_ADDRESSES}
        raise InvalidInput.field("order_notification_emails", message)
    _check_addresses("order_notification_emails", addresses)
    return addresses


def _sender_email(sender_email: str) -> str:
    sender_email = sender_email.strip()
    if sender_email:
        _check_addresses("sender_email", [sender_email])
    return sender_email


def _sender_name(sender_name: str) -> str:
    sender_name = sender_name.strip()
    check_one_line("sender_name", sender_name)
    return sender_name


def _logo_url(logo_url: str) -> str:
    _check_url("logo_url", logo_url)
    return logo_url


@transaction.atomic
def notification_settings_update(
    *,
    sender_name: str | None = None,
    sender_email: str | None = None,
    logo_url: str | None = None,
    order_notification_emails: list[str] | None = None,
    payment_instructions: str | None = None,
    translations: dict[str, dict[str, str]] | None = None,
) -> NotificationSettings:
    """Save the shop's email settings; an invalid address is refused, named.
    A field left None keeps its value (each back-office page saves its own)."""
    cleaners: dict[str, tuple[Any, Callable[[Any], Any]]] = {
        "sender_name": (sender_name, _sender_name),
        "sender_email": (sender_email, _sender_email),
        "logo_url": (logo_url, _logo_url),
        "order_notification_emails": (order_notification_emails, _notification_addresses),
        "payment_instructions": (payment_instructions, str),
        "translations": (translations, _translations),
    }
    changes = {field: clean(value) for field, (value, clean) in cleaners.items() if value is not None}
    row, _created = NotificationSettings.objects.select_for_update().get_or_create(pk=1)
    for field, value in changes.items():
        setattr(row, field, value)
    row.save()
    return row


@transaction.atomic
def shop_profile_update(
    *,
    name: str,
    details: str,
    language: str,
    checkout_hold_minutes: int | None,
    invoice_footer: str,
    sender_name: str,
    sender_email: str,
    logo_url: str,
) -> None:
    """The shop's settings (core.services.shop_settings_update) and its
    emails' sender, saved together or not at all; every refused field named."""
    problems: dict[str, list[str]] = {}
    try:
        shop_settings_update(
            name=name,
            details=details,
            language=language,
            checkout_hold_minutes=checkout_hold_minutes,
            invoice_footer=invoice_footer,
        )
    except InvalidInput as exc:
        problems.update(exc.details["fields"])
    try:
        notification_settings_update(sender_name=sender_name, sender_email=sender_email, logo_url=logo_url)
    except InvalidInput as exc:
        problems.update(exc.details["fields"])
    if problems:
        raise InvalidInput(details={"fields": problems})


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
