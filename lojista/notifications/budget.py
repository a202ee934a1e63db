"""How much work rendering one email may do.

A merchant's template is a small program: three nested loops over long
strings, or a chain of ``{% with %}`` doubling a string with ``add``, can
run for seconds or build hundreds of megabytes, and the template engine
would happily do it in the worker that sends every email. Each render
therefore carries a ``RenderBudget`` (in a context variable, so the filters,
which never see the template context, find it too), and the nodes and
filters of template_library charge it:

- every loop iteration (all loops, nested ones included);
- every character a tag or variable writes (each counted once);
- the length of every value a filter returns, before it can be used again;
- the time spent, checked at each of those steps.

Going over any limit raises ``TemplateBudgetExceeded``, which says which one.
The limits are far above what an email needs (the shipped templates use a
few hundred iterations and characters in the tens of thousands on an order
of a hundred lines).
"""

import time
from collections.abc import Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

MAX_ITERATIONS = 10_000
MAX_OUTPUT_CHARS = 1_000_000
MAX_VALUE_CHARS = 100_000


class TemplateBudgetExceeded(Exception):
    """The template did more work than one email may; the message says what."""


@dataclass
class RenderBudget:
    max_iterations: int = MAX_ITERATIONS
    max_output_chars: int = MAX_OUTPUT_CHARS
    max_value_chars: int = MAX_VALUE_CHARS
    max_seconds: float = field(default_factory=lambda: settings.LOJISTA_EMAIL_RENDER_SECONDS)
    # The check made when a template is saved renders every branch of every
    # {% if %} (and every {% empty %}), so work hidden behind a condition the
    # sample order does not meet is counted too.
    all_branches: bool = False
    iterations: int = 0
    output_chars: int = 0
    started: float = field(default_factory=time.monotonic)

    def check_time(self) -> None:
        if time.monotonic() - self.started > self.max_seconds:
            raise TemplateBudgetExceeded(
                _("The template takes too long to render: more than %(seconds)s seconds.")
                % {"seconds": f"{self.max_seconds:g}"}
            )

    def iteration(self) -> None:
        self.iterations += 1
        if self.iterations > self.max_iterations:
            raise TemplateBudgetExceeded(
                _("The template repeats too much for one email: more than %(count)d loop iterations.")
                % {"count": self.max_iterations}
            )
        self.check_time()

    def wrote(self, chars: int) -> None:
        self.output_chars += chars
        if self.output_chars > self.max_output_chars:
            raise TemplateBudgetExceeded(
                _("The template writes too much text for one email: more than %(count)d characters.")
                % {"count": self.max_output_chars}
            )
        self.check_time()

    def check_length(self, length: int) -> None:
        """Refuse a value of ``length`` characters (or items)."""
        if length > self.max_value_chars:
            raise TemplateBudgetExceeded(
                _("The template builds a value longer than %(count)d characters.")
                % {"count": self.max_value_chars}
            )

    def check_value(self, value: object) -> None:
        if isinstance(value, Sized):
            self.check_length(len(value))
        self.check_time()


_current: ContextVar[RenderBudget | None] = ContextVar("email_render_budget", default=None)


def current_budget() -> RenderBudget:
    """The budget of the render in progress (a fresh one outside any)."""
    return _current.get() or RenderBudget()


@contextmanager
def render_budget(budget: RenderBudget | None = None) -> Iterator[RenderBudget]:
    """Charge the renders inside to ``budget``; without one, to the budget
    already in use, or to a new one. One email's parts share one budget."""
    active = _current.get()
    if budget is None and active is not None:
        yield active
        return
    budget = budget or RenderBudget()
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)
