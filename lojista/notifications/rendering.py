"""Turn an email's templates and context into a subject, a text and an HTML part.

The merchant's version of a template is used when there is one; if it cannot
be rendered (it was stored broken, bypassing the checks made when saving),
the shipped one is used instead, so a bad template never stops an email.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lojista.core.errors import InvalidInput
from lojista.notifications.context import email_context, sample_extra, sample_order_context
from lojista.notifications.headers import check_one_line, one_line
from lojista.notifications.models import EmailKind, EmailTemplate, NotificationSettings
from lojista.notifications.templating import (
    PARTS,
    Source,
    compile_template,
    layout_template,
    render,
    shipped_source,
    shipped_template,
    template_error,
)

logger = logging.getLogger(__name__)

# The emails a merchant can edit (a test send shows one of these).
TEMPLATE_KINDS = [kind for kind in EmailKind.values if kind != EmailKind.TEST]
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_language(code: str | None) -> str:
    """The supported language closest to ``code`` (the shop's default otherwise)."""
    try:
        return translation.get_supported_language_variant(code or settings.LANGUAGE_CODE).lower()
    except LookupError:
        return settings.LANGUAGE_CODE


def _finish(subject: str, text: str, body_html: str, context: dict[str, Any]) -> RenderedEmail:
    # A header cannot span lines: the subject is one line, whatever the
    # template or the order's data put in it.
    html = render(layout_template(), context, content=mark_safe(body_html))  # noqa: S308 (rendered by us, escaped)
    return RenderedEmail(subject=one_line(subject), text=text.strip() + "\n", html=html)


def render_source(source: Source, context: dict[str, Any]) -> RenderedEmail:
    """Render a merchant's (or a draft) template; raises if it is broken."""
    parts = {part: render(compile_template(source.part(part), part), context) for part in PARTS}
    return _finish(parts["subject"], parts["text"], parts["html"], context)


def render_shipped(kind: str, context: dict[str, Any]) -> RenderedEmail:
    parts = {part: render(shipped_template(kind, part), context) for part in PARTS}
    return _finish(parts["subject"], parts["text"], parts["html"], context)


def override_of(kind: str, language: str) -> EmailTemplate | None:
    return EmailTemplate.objects.filter(kind=kind, language=language).first()


def source_of(template: EmailTemplate) -> Source:
    return Source(subject=template.subject, text=template.body_text, html=template.body_html)


def current_source(kind: str, language: str) -> tuple[Source, bool]:
    """The template ``kind`` uses in ``language``, and whether it is the merchant's."""
    override = override_of(kind, language)
    if override is not None:
        return source_of(override), True
    return shipped_source(kind), False


def render_email(*, kind: str, language: str, context: dict[str, Any]) -> RenderedEmail:
    """Render email ``kind``: the merchant's template if it works, else the
    shipped one. Call it inside translation.override(language)."""
    override = override_of(kind, language)
    if override is not None:
        try:
            return render_source(source_of(override), context)
        except Exception:
            # Whatever is wrong with it, the customer still gets an email.
            logger.exception("The %s template in %s is broken; the shipped one was used.", kind, language)
    return render_shipped(kind, context)


TEMPLATE_FIELDS = {"subject": "subject", "text": "body_text", "html": "body_html"}


def check_template(source: Source, *, kind: str, language: str) -> None:
    """Refuse a template that does not compile, uses a tag or filter that is
    not allowed, or fails on a sample order; the message says why. The
    subject, a header, is one line (the shipped files end with a newline)."""
    check_one_line("subject", source.subject.strip())
    errors = {
        TEMPLATE_FIELDS[part]: [error] for part in PARTS if (error := template_error(source.part(part), part))
    }
    if not errors:
        try:
            with translation.override(language):
                context = email_context(
                    kind=kind,
                    order=sample_order_context(),
                    extra=sample_extra(),
                    shop=NotificationSettings.load(),
                )
                render_source(source, context)
        except Exception as error:
            errors["template"] = [f"{type(error).__name__}: {error}"]
    if errors:
        raise InvalidInput(_("The template has errors."), details={"fields": errors})
