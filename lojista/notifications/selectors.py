"""Reads of notifications: the templates in use, previews, the outbox."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lojista.core.errors import InvalidInput
from lojista.core.pagination import Page, keyset_page
from lojista.customers.auth import has_role, require_role
from lojista.customers.models import User
from lojista.notifications import kinds
from lojista.notifications.context import email_context
from lojista.notifications.errors import EmailTemplateNotFound, OutboxMessageNotFound
from lojista.notifications.kinds import EmailKind, EmailRef
from lojista.notifications.models import EmailTemplate, NotificationSettings, OutboxMessage
from lojista.notifications.order_kinds import ORDER, payment_instructions_text
from lojista.notifications.rendering import (
    LANGUAGE_CODES,
    RenderedEmail,
    check_template,
    describe_error,
    render_email,
    render_source,
)
from lojista.notifications.services.outbox import outbox_render
from lojista.notifications.templating import Source, shipped_source
from lojista.orders.models import Order
from lojista.orders.selectors import order_by_number


@dataclass(frozen=True)
class TemplateView:
    kind: str
    label: str
    audience: str
    language: str
    overridden: bool
    subject: str
    body_text: str
    body_html: str
    updated_at: datetime | None


def template_key(*, kind: str, language: str, user: User) -> tuple[EmailKind, str]:
    """The registered ``kind`` and ``language`` (any case: pt-BR, pt-br) of
    a template ``user`` may edit: EmailTemplateNotFound (404) for a kind or
    language there is none of, PermissionDenied (403) when the kind's
    templates are not theirs to edit (the owner's, by default)."""
    language = language.lower()
    if language not in LANGUAGE_CODES:
        raise EmailTemplateNotFound()
    email_kind = kinds.get(kind)
    require_role(user, email_kind.editors)
    return email_kind, language


def _view(kind: EmailKind, language: str, override: EmailTemplate | None) -> TemplateView:
    source = (
        Source(subject=override.subject, text=override.body_text, html=override.body_html)
        if override is not None
        else shipped_source(kind)
    )
    return TemplateView(
        kind=kind.key,
        label=str(kind.label),
        audience=kind.audience,
        language=language,
        overridden=override is not None,
        subject=source.subject,
        body_text=source.text,
        body_html=source.html,
        updated_at=override.updated_at if override is not None else None,
    )


def email_templates(*, user: User) -> list[TemplateView]:
    """Every registered email ``user`` may edit, in every language: the
    merchant's version or the shipped one."""
    overrides = {(row.kind, row.language): row for row in EmailTemplate.objects.all()}
    return [
        _view(kind, language, overrides.get((kind.key, language)))
        for kind in kinds.all_kinds()
        if has_role(user, kind.editors)
        for language in LANGUAGE_CODES
    ]


def email_template(*, kind: EmailKind, language: str) -> TemplateView:
    return _view(kind, language, EmailTemplate.objects.filter(kind=kind.key, language=language).first())


def preview_subject(*, kind: EmailKind, order_number: int | None) -> str | None:
    """The subject id of a preview or test send shown on order ``order_number``
    (None: on the kind's sample); only an order email can be shown on an order."""
    if order_number is None:
        return None
    if kind.subject_type != ORDER:
        raise InvalidInput.field("order_number", _("This email is not about an order."))
    return str(order_by_number(number=order_number).pk)


def _draft(
    kind: EmailKind, language: str, subject: str | None, body_text: str | None, body_html: str | None
) -> Source | None:
    """The drafts given, each missing part taken from the template in use;
    None when no part is given."""
    if subject is None and body_text is None and body_html is None:
        return None
    saved = email_template(kind=kind, language=language)
    return Source(
        subject=subject if subject is not None else saved.subject,
        text=body_text if body_text is not None else saved.body_text,
        html=body_html if body_html is not None else saved.body_html,
    )


def email_preview(
    *,
    kind: EmailKind,
    language: str,
    subject_id: str | None = None,
    subject: str | None = None,
    body_text: str | None = None,
    body_html: str | None = None,
) -> RenderedEmail:
    """Email ``kind`` as its subject ``subject_id`` (the kind's sample if
    None) would get it, with the sample's row data (a sample message…): with
    the draft parts given, any missing part taken from the template in use
    (a draft is refused like a save if broken), else with the templates in
    use. A merchant's template that fails on this subject (over its render
    budget, say) is a 422 saying why, where the worker would send the
    shipped template instead."""
    draft = _draft(kind, language, subject, body_text, body_html)
    if draft is not None:
        check_template(draft, kind=kind, language=language)
    with translation.override(language):
        ref = EmailRef(kind.subject_type, subject_id, kind.sample_data()) if subject_id is not None else None
        context = email_context(kind=kind, ref=ref, shop=NotificationSettings.load())
        if draft is None:
            rendered = render_email(kind=kind, language=language, context=context)
            if rendered.template_error:
                raise InvalidInput.field("template", rendered.template_error)
            return rendered
        try:
            return render_source(draft, context)
        except Exception as error:
            raise InvalidInput.field("template", describe_error(error)) from None


def _names(value: object, prefix: str) -> list[str]:
    if isinstance(value, dict) and value:
        return [name for key, item in value.items() for name in _names(item, f"{prefix}.{key}")]
    if isinstance(value, list | tuple) and value:
        # A list's items share their keys: named once, ``order.lines[].sku``
        # (``{% for line in order.lines %}{{ line.sku }}``).
        return [prefix, *_names(value[0], f"{prefix}[]")] if isinstance(value[0], dict) else [prefix]
    return [prefix]


def email_variables(*, kind: EmailKind, language: str) -> list[str]:
    """The variables a template of ``kind`` can use, as written in it
    (``shop.name``, ``order.lines``, ``message``…): the names of its sample's
    variables, nested ones joined by dots, a list's items' with ``[]``."""
    with translation.override(language):
        context = email_context(kind=kind, ref=None, shop=NotificationSettings.load())
    return [name for key, value in context.items() for name in _names(value, key)]


OutboxPage = Page[OutboxMessage]


def outbox_page(*, status: str | None = None, cursor: str | None = None, limit: int = 50) -> OutboxPage:
    """Outbox emails, newest first (by id), optionally of one status."""
    messages = OutboxMessage.objects.select_related("order")
    if status:
        messages = messages.filter(status=status)
    return keyset_page(messages, order=("-id",), cursor=cursor, limit=limit)


def outbox_message(*, message_id: int) -> OutboxMessage:
    message = OutboxMessage.objects.select_related("order").filter(pk=message_id).first()
    if message is None:
        raise OutboxMessageNotFound()
    return message


@dataclass(frozen=True)
class OrderEmail:
    """An email of an order's timeline, as staff preview it: the outbox row
    (status, recipients, error) and its content rendered now (``rendered``
    None, and ``render_error`` why, when it cannot be)."""

    message: OutboxMessage
    rendered: RenderedEmail | None
    render_error: str = ""


def order_email(*, order: Order, message_id: int) -> OrderEmail:
    """Email ``message_id`` of ``order``, rendered as delivery renders it, from
    the order's current data and the templates in use (a sent email's subject
    is the one it was sent with). Another order's email, or none, is
    OutboxMessageNotFound (404)."""
    message = OutboxMessage.objects.filter(pk=message_id, order=order).first()
    if message is None:
        raise OutboxMessageNotFound()
    try:
        rendered = outbox_render(message)
    except Exception as error:
        # The staff page says why, as the failed delivery recorded it; never a 500.
        return OrderEmail(message=message, rendered=None, render_error=describe_error(error))
    return OrderEmail(message=message, rendered=rendered)


def outbox_count(*, status: str) -> int:
    """How many outbox emails are in ``status`` (the home page's failed emails)."""
    return OutboxMessage.objects.filter(status=status).count()


def offline_payment_instructions() -> str:
    """What a customer paying offline is told (the confirmation page shows
    the same text as the confirmation email), in the active language."""
    return payment_instructions_text(NotificationSettings.load())
