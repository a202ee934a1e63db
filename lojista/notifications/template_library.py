"""The only tags and filters merchant-editable email templates may use.

The email engine (templating.py) takes this library as its sole builtin, and
no other library can be loaded (there is no ``load`` tag): anything not listed
here, such as ``include``, ``extends``, ``load``, ``debug``, ``url``, ``safe``
or ``autoescape``, is a syntax error when the template is saved.
"""

import contextlib
import functools
from collections.abc import Callable, Iterable, Sized
from typing import Any, cast

from django.template import (
    Context,
    Library,
    Node,
    NodeList,
    VariableDoesNotExist,
    defaultfilters,
    defaulttags,
)
from django.template.base import FilterExpression, Parser, Token, Variable
from django.template.defaulttags import ForNode, IfNode
from django.templatetags import i18n
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from lojista.notifications.budget import current_budget

register = Library()


class LoopBody(Node):
    """One iteration of a ``for``: charged to the render budget before it runs."""

    def __init__(self, nodelist: NodeList):
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        current_budget().iteration()
        return self.nodelist.render(context)


class BoundedForNode(ForNode):
    def render(self, context: Context) -> str:
        output = super().render(context)
        empty = cast(NodeList, self.nodelist_empty)
        if current_budget().all_branches and empty:
            output = mark_safe(output + empty.render(context))  # noqa: S308 (rendered, escaped)
        return output


def do_for(parser: Parser, token: Token) -> BoundedForNode:
    """Django's ``for``, each iteration charged to the budget."""
    node = defaulttags.do_for(parser, token)
    return BoundedForNode(
        node.loopvars,
        node.sequence,
        node.is_reversed,
        NodeList([LoopBody(cast(NodeList, node.nodelist_loop))]),
        node.nodelist_empty,
    )


class BudgetedIfNode(IfNode):
    def render(self, context: Context) -> str:
        if not current_budget().all_branches:
            return super().render(context)
        outputs = []
        for condition, nodelist in self.conditions_nodelists:
            if condition is not None:
                # Evaluated for its cost only: every branch is rendered.
                with contextlib.suppress(VariableDoesNotExist):
                    condition.eval(context)  # type: ignore[arg-type]  # a Context is what Django passes
            outputs.append(nodelist.render(context))
        return "".join(outputs)


def do_if(parser: Parser, token: Token) -> BudgetedIfNode:
    """Django's ``if``; the check on save renders all its branches."""
    return BudgetedIfNode(defaulttags.do_if(parser, token).conditions_nodelists)


class ConstantTranslateNode(i18n.TranslateNode):
    """A ``translate`` of a literal string, without a filter or ``as``: what
    it writes depends on the active language alone, so it is translated once
    per language and kept with the compiled template (gettext's lookups,
    repeated for each such tag of each email, were a tenth of a delivery
    batch's rendering)."""

    def __init__(self, node: i18n.TranslateNode):
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        self._written: dict[tuple[str | None, bool], str] = {}

    def render(self, context: Context) -> str:
        key = (translation.get_language(), context.autoescape)
        written = self._written.get(key)
        if written is None:
            written = self._written[key] = super().render(context)
        return written


def _constant(expression: FilterExpression | None) -> bool:
    """Whether ``expression`` is a string literal, with no filter."""
    if expression is None:
        return True
    value = expression.var.literal if isinstance(expression.var, Variable) else expression.var
    return isinstance(value, str) and not expression.filters


def do_translate(parser: Parser, token: Token) -> i18n.TranslateNode:
    """Django's ``translate``; one of a literal string is kept per language."""
    node = i18n.do_translate(parser, token)
    if node.asvar is None and _constant(node.filter_expression) and _constant(node.message_context):
        return ConstantTranslateNode(node)
    return node


TAGS: dict[str, Callable[..., Any]] = {
    "if": do_if,
    "for": do_for,
    "with": defaulttags.do_with,
    "comment": defaulttags.comment,
    "spaceless": defaulttags.spaceless,
    "firstof": defaulttags.firstof,
    "now": defaulttags.now,
    "trans": do_translate,
    "translate": do_translate,
    "blocktrans": i18n.do_block_translate,
    "blocktranslate": i18n.do_block_translate,
}

# Formatting only: none of them marks text safe, reads a file or a setting.
FILTERS: dict[str, Callable[..., Any]] = {
    "add": defaultfilters.add,
    "capfirst": defaultfilters.capfirst,
    "date": defaultfilters.date,
    "default": defaultfilters.default,
    "default_if_none": defaultfilters.default_if_none,
    "escape": defaultfilters.escape_filter,
    "first": defaultfilters.first,
    "floatformat": defaultfilters.floatformat,
    "join": defaultfilters.join,
    "last": defaultfilters.last,
    "length": defaultfilters.length,
    "linebreaks": defaultfilters.linebreaks_filter,
    "linebreaksbr": defaultfilters.linebreaksbr,
    "lower": defaultfilters.lower,
    "pluralize": defaultfilters.pluralize,
    "time": defaultfilters.time,
    "title": defaultfilters.title,
    "truncatechars": defaultfilters.truncatechars,
    "truncatewords": defaultfilters.truncatewords,
    "upper": defaultfilters.upper,
    "urlencode": defaultfilters.urlencode,
    "yesno": defaultfilters.yesno,
}


def _length(value: Any) -> int:
    return len(str(value)) if not isinstance(value, Sized) else len(value)


def _add_size(value: Any, arg: Any) -> None:
    if isinstance(value, Sized) and isinstance(arg, Sized):
        current_budget().check_length(len(value) + len(arg))


def _join_size(value: Any, arg: Any) -> None:
    if isinstance(value, Iterable) and isinstance(arg, Sized):
        items = list(value)
        current_budget().check_length(
            sum(_length(item) for item in items) + len(arg) * max(len(items) - 1, 0)
        )


def _floatformat_size(value: Any, arg: Any = -1) -> None:
    digits = str(arg).rstrip("gu").lstrip("-")
    if digits.isdigit():
        current_budget().check_length(int(digits[:7]))


# Checks made before a filter runs, for those whose result can be far larger
# than their input (the check after it would come too late).
BEFORE: dict[str, Callable[..., None]] = {
    "add": _add_size,
    "join": _join_size,
    "floatformat": _floatformat_size,
}


def _bounded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` with its result's length charged to the render budget
    (functools.wraps keeps the flags and signature Django reads)."""
    before = BEFORE.get(name)

    @functools.wraps(function)
    def bounded(value: Any, *args: Any, **kwargs: Any) -> Any:
        budget = current_budget()
        budget.check_time()
        if before is not None:
            before(value, *args)
        result = function(value, *args, **kwargs)
        budget.check_value(result)
        return result

    return bounded


for name, compile_function in TAGS.items():
    register.tag(name, compile_function)
for name, filter_function in FILTERS.items():
    register.filter(name, _bounded(name, filter_function))
