"""Turn an email's templates and context into a subject, a text and an HTML part.

The merchant's version of a template is used when there is one; if it cannot
be rendered (it was stored broken, bypassing the checks made when saving),
the shipped one is used instead, so a bad template never stops an email.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lojista.core.errors import InvalidInput
from lojista.notifications.budget import RenderBudget, TemplateBudgetExceeded, render_budget
from lojista.notifications.context import email_context, largest_context
from lojista.notifications.headers import check_one_line, one_line
from lojista.notifications.kinds import EmailKind
from lojista.notifications.models import EmailTemplate, NotificationSettings
from lojista.notifications.templating import (
    PARTS,
    Plain,
    Source,
    compile_template,
    frozen,
    layout_template,
    render_frozen,
    shipped_template,
    template_error,
)

logger = logging.getLogger(__name__)

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    # Why the merchant's template was not used (the shipped one was), if it was not.
    template_error: str = ""
    # The kind's extra headers (EmailKind.headers), for delivery.
    headers: Mapping[str, str] = field(default_factory=dict)


def describe_error(error: Exception) -> str:
    """What a staff member is told about a template that failed."""
    if isinstance(error, TemplateBudgetExceeded):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _finish(subject: str, text: str, body_html: str, data: Mapping[str, Plain]) -> RenderedEmail:
    # A header cannot span lines: the subject is one line, whatever the
    # template or the order's data put in it.
    html = render_frozen(layout_template(), data, content=mark_safe(body_html))  # noqa: S308 (rendered by us, escaped)
    return RenderedEmail(subject=one_line(subject), text=text.strip() + "\n", html=html)


def render_source(
    source: Source, context: dict[str, Any], *, budget: RenderBudget | None = None
) -> RenderedEmail:
    """Render a merchant's (or a draft) template, its three parts and the
    layout within one budget; raises if it is broken or over budget."""
    data = frozen(context)
    with render_budget(budget or RenderBudget()):
        parts = {part: render_frozen(compile_template(source.part(part), part), data) for part in PARTS}
        return _finish(parts["subject"], parts["text"], parts["html"], data)


def render_shipped(kind: EmailKind, context: dict[str, Any]) -> RenderedEmail:
    data = frozen(context)
    with render_budget(RenderBudget()):
        parts = {part: render_frozen(shipped_template(kind, part), data) for part in PARTS}
        return _finish(parts["subject"], parts["text"], parts["html"], data)


def override_of(kind: str, language: str) -> EmailTemplate | None:
    return EmailTemplate.objects.filter(kind=kind, language=language).first()


def source_of(template: EmailTemplate) -> Source:
    return Source(subject=template.subject, text=template.body_text, html=template.body_html)


Overrides = Mapping[tuple[str, str], EmailTemplate]


def overrides_of(pairs: Iterable[tuple[str, str]]) -> Overrides:
    """The merchant's templates of these (kind, language) pairs, in one query."""
    pairs = set(pairs)
    rows = EmailTemplate.objects.filter(
        kind__in={kind for kind, _language in pairs}, language__in={language for _kind, language in pairs}
    )
    return {(row.kind, row.language): row for row in rows}


def render_email(
    *, kind: EmailKind, language: str, context: dict[str, Any], overrides: Overrides | None = None
) -> RenderedEmail:
    """Render email ``kind``: the merchant's template if it works, else the
    shipped one. Call it inside translation.override(language). ``overrides``:
    the merchant's templates already fetched (overrides_of), else they are."""
    override = (
        overrides.get((kind.key, language)) if overrides is not None else override_of(kind.key, language)
    )
    if override is not None:
        try:
            return render_source(source_of(override), context)
        except Exception as error:
            # Whatever is wrong with it (broken, over budget on this order),
            # the customer still gets an email; the reason goes with it.
            logger.warning(
                "The %s template in %s failed; the shipped one was used.", kind.key, language, exc_info=True
            )
            shipped = render_shipped(kind, context)
            return RenderedEmail(
                shipped.subject, shipped.text, shipped.html, template_error=describe_error(error)
            )
    return render_shipped(kind, context)


TEMPLATE_FIELDS = {"subject": "subject", "text": "body_text", "html": "body_html"}


def check_template(source: Source, *, kind: EmailKind, language: str) -> None:
    """Refuse a template that does not compile, uses a tag or filter that is
    not allowed, fails on the kind's sample, or goes over the render budget
    on its largest variables, any branch taken; the message says why. The subject,
    a header, is one line (the shipped files end with a newline)."""
    check_one_line("subject", source.subject.strip())
    errors = {
        TEMPLATE_FIELDS[part]: [error] for part in PARTS if (error := template_error(source.part(part), part))
    }
    if errors:
        raise InvalidInput(_("The template has errors."), details={"fields": errors})
    shop = NotificationSettings.load()
    with translation.override(language):
        try:
            render_source(source, email_context(kind=kind, ref=None, shop=shop))
        except TemplateBudgetExceeded as error:
            raise InvalidInput.field("template", str(error)) from None
        except Exception as error:
            raise InvalidInput(
                _("The template has errors."), details={"fields": {"template": [describe_error(error)]}}
            ) from None
        try:
            render_source(
                source, largest_context(kind=kind, shop=shop), budget=RenderBudget(all_branches=True)
            )
        except TemplateBudgetExceeded as error:
            raise InvalidInput.field("template", str(error)) from None
        except Exception:
            # A branch the sample order does not take failed on made-up data:
            # no proof of a fault (a real order may never take it); the worker
            # falls back to the shipped template if one ever does.
            logger.info("A %s template branch failed on the largest sample.", kind.key, exc_info=True)
