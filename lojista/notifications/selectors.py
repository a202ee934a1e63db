"""Reads of notifications: the templates in use, previews, the outbox."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import translation

from lojista.core.errors import InvalidInput
from lojista.core.pagination import Page, keyset_page
from lojista.notifications.context import email_context, order_context, sample_extra, sample_order_context
from lojista.notifications.errors import EmailTemplateNotFound, OutboxMessageNotFound
from lojista.notifications.models import EmailTemplate, NotificationSettings, OutboxMessage
from lojista.notifications.rendering import (
    LANGUAGE_CODES,
    TEMPLATE_KINDS,
    RenderedEmail,
    check_template,
    describe_error,
    render_email,
    render_source,
)
from lojista.notifications.templating import Source, shipped_source
from lojista.orders.models import Order


@dataclass(frozen=True)
class TemplateView:
    kind: str
    language: str
    overridden: bool
    subject: str
    body_text: str
    body_html: str
    updated_at: datetime | None


def template_key(*, kind: str, language: str) -> tuple[str, str]:
    """``kind`` and ``language`` (any case: pt-BR, pt-br) of an editable
    template; EmailTemplateNotFound otherwise."""
    language = language.lower()
    if kind not in TEMPLATE_KINDS or language not in LANGUAGE_CODES:
        raise EmailTemplateNotFound()
    return kind, language


def _view(kind: str, language: str, override: EmailTemplate | None) -> TemplateView:
    if override is not None:
        return TemplateView(
            kind=kind,
            language=language,
            overridden=True,
            subject=override.subject,
            body_text=override.body_text,
            body_html=override.body_html,
            updated_at=override.updated_at,
        )
    shipped = shipped_source(kind)
    return TemplateView(
        kind=kind,
        language=language,
        overridden=False,
        subject=shipped.subject,
        body_text=shipped.text,
        body_html=shipped.html,
        updated_at=None,
    )


def email_templates() -> list[TemplateView]:
    """Every editable email in every language: the merchant's version or the shipped one."""
    overrides = {(row.kind, row.language): row for row in EmailTemplate.objects.all()}
    return [
        _view(kind, language, overrides.get((kind, language)))
        for kind in TEMPLATE_KINDS
        for language in LANGUAGE_CODES
    ]


def email_template(*, kind: str, language: str) -> TemplateView:
    kind, language = template_key(kind=kind, language=language)
    return _view(kind, language, EmailTemplate.objects.filter(kind=kind, language=language).first())


def email_preview(*, kind: str, language: str, order: Order | None, draft: Source | None) -> RenderedEmail:
    """Email ``kind`` as ``order`` (a made-up one if None) would get it: with
    the ``draft`` templates when given (refused like a save if broken), else
    with the templates in use. A merchant's template that fails on this
    order (over its render budget, say) is a 422 saying why, where the worker
    would send the shipped template instead."""
    if draft is not None:
        check_template(draft, kind=kind, language=language)
    with translation.override(language):
        context = email_context(
            kind=kind,
            order=order_context(order) if order is not None else sample_order_context(),
            extra=sample_extra(),
            shop=NotificationSettings.load(),
        )
        if draft is None:
            rendered = render_email(kind=kind, language=language, context=context)
            if rendered.template_error:
                raise InvalidInput.field("template", rendered.template_error)
            return rendered
        try:
            return render_source(draft, context)
        except Exception as error:
            raise InvalidInput.field("template", describe_error(error)) from None


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
