"""Charts of figures per day, drawn on the server as inline SVG: a bar per
day for an amount (left scale) and a dot per day, joined by a line, for a
count (right scale); one ``<g class="day">`` per day with its ``<title>`` as
the tooltip. No JavaScript and no chart library. The back office's home
(orders and revenue) and the abandoned-checkouts results page (recovered
orders and revenue) draw theirs with it; ``core/day_chart.html`` is the SVG.

Coordinates are strings formatted here, so the template never localises a
number into an SVG attribute ("12,5" in Portuguese is not a coordinate).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 72, 40, 12, 28
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BAR_SHARE = 0.64  # of each day's slot; the rest is the gap between bars
LABEL_EVERY = 5  # days between two dates under the axis, counted back from the last


@dataclass(frozen=True)
class DayFigures:
    """One day of a chart: the bar's ``amount``, the dot's ``count`` and the
    tooltip (``title``), in the reader's language."""

    day: date
    amount: Decimal
    count: int
    title: str


@dataclass(frozen=True)
class ChartDay:
    title: str
    bar_x: str
    bar_y: str
    bar_width: str
    bar_height: str
    dot_x: str
    dot_y: str
    label: str  # the date under the axis, on every LABEL_EVERY-th day only
    label_x: str


@dataclass(frozen=True)
class Tick:
    y: str
    amount: str
    count: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int  # x of the right edge of the plot
    days: list[ChartDay]
    ticks: list[Tick]
    line_points: str
    summary: str


def _coordinate(value: float) -> str:
    return f"{value:.1f}"


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 5, 10, 20, 50… at or above ``value`` (1 for
    nothing), so the scale's top and middle are round numbers."""
    step = Decimal(1)
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def day_chart(days: Sequence[DayFigures], *, amount_label: Callable[[Decimal], str], summary: str) -> Chart:
    """The chart of ``days`` (oldest first); ``amount_label`` writes a tick of
    the amounts' scale (``format_money``), ``summary`` is what the chart says
    to a screen reader (its ``aria-label``)."""
    top_amount = nice_ceiling(max((day.amount for day in days), default=Decimal(0)))
    top_count = int(nice_ceiling(Decimal(max((day.count for day in days), default=0))))
    slot = PLOT_WIDTH / max(len(days), 1)
    bar_width = slot * BAR_SHARE
    baseline = TOP + PLOT_HEIGHT
    chart_days = []
    for index, day in enumerate(days):
        bar_height = float(day.amount / top_amount) * PLOT_HEIGHT
        centre = LEFT + slot * index + slot / 2
        labelled = (len(days) - 1 - index) % LABEL_EVERY == 0
        chart_days.append(
            ChartDay(
                title=day.title,
                bar_x=_coordinate(centre - bar_width / 2),
                bar_y=_coordinate(baseline - bar_height),
                bar_width=_coordinate(bar_width),
                bar_height=_coordinate(bar_height),
                dot_x=_coordinate(centre),
                dot_y=_coordinate(baseline - day.count / top_count * PLOT_HEIGHT),
                label=date_format(day.day, "j M") if labelled else "",
                label_x=_coordinate(centre),
            )
        )
    ticks = [
        Tick(
            y=_coordinate(baseline - share * PLOT_HEIGHT),
            amount=amount_label(top_amount * Decimal(share)),
            # Half of one order is no tick of the counts' scale.
            count=f"{top_count * share:g}" if (top_count * share).is_integer() else "",
        )
        for share in (0.0, 0.5, 1.0)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=LEFT + PLOT_WIDTH,
        days=chart_days,
        ticks=ticks,
        line_points=" ".join(f"{day.dot_x},{day.dot_y}" for day in chart_days),
        summary=summary,
    )
