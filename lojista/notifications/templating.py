"""A template engine merchants cannot escape from.

Email templates (the shipped files and the merchants' versions alike) are
rendered by engines that

- load no file: no loaders, and no ``include``/``extends``/``load`` tags;
- know only the tags and filters of ``template_library`` (formatting, ``if``,
  ``for``, translation), so ``debug``, ``url``, ``safe`` or ``autoescape off``
  are syntax errors when a template is saved;
- see only the documented variables (docs/emails.md), built from plain data:
  strings, numbers, dates, read-only mappings and tuples. No model instance,
  request or setting is in reach, so there is no method worth calling, and
  nothing a template does can change anything;
- escape every variable in HTML (the text parts and the subject are not HTML,
  so they are not escaped);
- charge every render to a budget (budget.py): what each variable and tag
  writes is metered here, loops and filters in template_library.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import Lexer, Node, NodeList, Parser, TextNode, Token
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from lojista.notifications.budget import current_budget, render_budget
from lojista.notifications.kinds import EmailKind

SHIPPED_DIR = Path(__file__).resolve().parent / "templates" / "emails"

Part = Literal["subject", "text", "html"]
PARTS: tuple[Part, ...] = ("subject", "text", "html")
SHIPPED_SUFFIX: dict[Part, str] = {"subject": ".subject.txt", "text": ".txt", "html": ".html"}


class Metered(Node):
    """Charges what a variable or a tag without a body writes to the render
    budget (tags with a body are made of such nodes, so each character is
    counted once), and a value a tag stores with ``as``."""

    child_nodelists = ()

    def __init__(self, node: Node):
        self.node = node

    def render(self, context: Context) -> str:
        output = str(self.node.render_annotated(context))
        budget = current_budget()
        budget.wrote(len(output))
        stored = getattr(self.node, "asvar", None)
        if stored:
            budget.check_value(str(context.get(stored, "")))
        return output


def _has_body(node: Node) -> bool:
    return any(getattr(node, name, None) for name in node.child_nodelists)


class MeteringParser(Parser):
    def extend_nodelist(self, nodelist: NodeList, node: Node, token: Token) -> None:
        if isinstance(node, TextNode) or not _has_body(node):
            node = Metered(node)
        super().extend_nodelist(nodelist, node, token)


class MeteredTemplate(Template):
    """A template whose every writing node is metered."""

    def compile_nodelist(self) -> NodeList:
        tokens = Lexer(self.source).tokenize()
        parser = MeteringParser(
            tokens, self.engine.template_libraries, self.engine.template_builtins, self.origin
        )
        try:
            nodelist = parser.parse()
        except RecursionError:
            raise TemplateSyntaxError(_("The template is nested too deeply.")) from None
        self.extra_data = parser.extra_data  # type: ignore[attr-defined]  # Django 5.2 has it, not the stubs
        return nodelist


class EmailEngine(Engine):
    # Django's engine always adds its default tag libraries to the builtins;
    # this one starts from nothing.
    default_builtins: list[str] = []

    def from_string(self, template_code: str) -> "MeteredTemplate":
        return MeteredTemplate(template_code, engine=self)


def _engine(*, autoescape: bool) -> EmailEngine:
    return EmailEngine(
        loaders=[],
        libraries={},
        builtins=["lojista.notifications.template_library"],
        autoescape=autoescape,
        string_if_invalid="",
        debug=False,
    )


HTML_ENGINE = _engine(autoescape=True)
TEXT_ENGINE = _engine(autoescape=False)


def engine_for(part: Part) -> EmailEngine:
    return HTML_ENGINE if part == "html" else TEXT_ENGINE


@functools.lru_cache(maxsize=128)
def compile_template(source: str, part: Part) -> Template:
    """Compile ``source``; TemplateSyntaxError names what is not allowed.
    Cached: a delivery batch renders the same shop template for every email,
    and a compiled template holds no render state (the budget lives in a
    ContextVar), so it is reused."""
    return engine_for(part).from_string(source)


def template_error(source: str, part: Part) -> str | None:
    """Why ``source`` cannot be used, or None when it compiles."""
    try:
        compile_template(source, part)
    except TemplateSyntaxError as error:
        return str(error)
    return None


Plain = str | int | float | bool | date | None | Mapping[str, "Plain"] | tuple["Plain", ...]


def freeze(value: Any) -> Plain:
    """A read-only copy of plain data; anything else is refused, so no object
    with methods or secrets ever reaches a template."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(key): freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    if isinstance(value, str):
        # A plain str: not a SafeString (which would skip escaping), nor an enum.
        return str.__str__(value)
    if value is None or isinstance(value, int | float | bool | date):
        return value
    raise TypeError(f"{type(value).__name__} is not allowed in an email template context.")


def frozen(context: Mapping[str, Any]) -> dict[str, Plain]:
    """``context`` made plain and read-only (``freeze``): once per email, for
    all of its parts (freezing an order's context four times was a tenth of
    a delivery's CPU)."""
    return {key: freeze(value) for key, value in context.items()}


def render(template: Template, context: Mapping[str, Any], **safe_html: SafeString) -> str:
    """Render with a frozen ``context``; ``safe_html`` values (HTML we rendered
    ourselves, such as the body inside the layout) are passed unescaped."""
    return render_frozen(template, frozen(context), **safe_html)


def render_frozen(template: Template, data: Mapping[str, Plain], **safe_html: SafeString) -> str:
    """``render`` with a context already ``frozen``."""
    # A copy each time: a tag's ``as`` stores into the context's dict.
    values: dict[str, Any] = {**data, **safe_html}
    with render_budget():
        return template.render(Context(values, autoescape=template.engine.autoescape))


@dataclass(frozen=True)
class Source:
    subject: str
    text: str
    html: str

    def part(self, part: Part) -> str:
        return getattr(self, part)


def shipped_source(kind: EmailKind) -> Source:
    """The templates ``kind`` ships (kinds.EmailKind.template_dir)."""
    return _read_source(kind.template_dir, kind.key)


@lru_cache
def _read_source(directory: Path, key: str) -> Source:
    files = {part: (directory / f"{key}{SHIPPED_SUFFIX[part]}").read_text() for part in PARTS}
    return Source(**files)


def shipped_template(kind: EmailKind, part: Part) -> Template:
    return _compiled_shipped(kind.template_dir, kind.key, part)


@lru_cache
def _compiled_shipped(directory: Path, key: str, part: Part) -> Template:
    return compile_template(_read_source(directory, key).part(part), part)


@lru_cache
def layout_template() -> Template:
    """The HTML frame (logo, shop name, footer) every HTML body is put in."""
    return compile_template((SHIPPED_DIR / "layout.html").read_text(), "html")
