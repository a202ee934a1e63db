"""The home page's chart of orders and revenue per day, drawn on the server
as inline SVG: bars for revenue (left scale), dots joined by a line for the
number of orders (right scale), one ``<g class="day">`` per day with its
``<title>`` as the tooltip. No JavaScript and no chart library.

Coordinates are strings formatted here, so the template never localises a
number into an SVG attribute ("12,5" in Portuguese is not a coordinate).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojista.core.money import format_money
from lojista.orders.reports import DaySales

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 72, 40, 12, 28
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BAR_SHARE = 0.64  # of each day's slot; the rest is the gap between bars
LABEL_EVERY = 5  # days between two dates under the axis, counted back from today


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
    revenue: str
    orders: str


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


def _day_title(day: DaySales, currency: str) -> str:
    orders = ngettext("%(count)d order", "%(count)d orders", day.orders) % {"count": day.orders}
    return _("%(day)s: %(orders)s, %(revenue)s") % {
        "day": date_format(day.day, "MONTH_DAY_FORMAT"),
        "orders": orders,
        "revenue": format_money(day.revenue, currency),
    }


def _summary(days: list[DaySales], currency: str) -> str:
    orders = sum(day.orders for day in days)
    revenue = sum((day.revenue for day in days), Decimal(0))
    summary = ngettext(
        "Orders and revenue per day over the last %(days)d days: %(orders)d order, %(revenue)s in all.",
        "Orders and revenue per day over the last %(days)d days: %(orders)d orders, %(revenue)s in all.",
        orders,
    ) % {"days": len(days), "orders": orders, "revenue": format_money(revenue, currency)}
    busiest = max(days, key=lambda day: (day.orders, day.day))
    if busiest.orders:
        summary += " " + _("The busiest day was %(day)s, with %(count)d.") % {
            "day": date_format(busiest.day, "MONTH_DAY_FORMAT"),
            "count": busiest.orders,
        }
    return summary


def sales_chart(days: list[DaySales], *, currency: str) -> Chart:
    """The chart of ``days`` (oldest first), revenue in ``currency``."""
    top_revenue = nice_ceiling(max((day.revenue for day in days), default=Decimal(0)))
    top_orders = int(nice_ceiling(Decimal(max((day.orders for day in days), default=0))))
    slot = PLOT_WIDTH / max(len(days), 1)
    bar_width = slot * BAR_SHARE
    baseline = TOP + PLOT_HEIGHT
    chart_days = []
    for index, day in enumerate(days):
        bar_height = float(day.revenue / top_revenue) * PLOT_HEIGHT
        centre = LEFT + slot * index + slot / 2
        labelled = (len(days) - 1 - index) % LABEL_EVERY == 0
        chart_days.append(
            ChartDay(
                title=_day_title(day, currency),
                bar_x=_coordinate(centre - bar_width / 2),
                bar_y=_coordinate(baseline - bar_height),
                bar_width=_coordinate(bar_width),
                bar_height=_coordinate(bar_height),
                dot_x=_coordinate(centre),
                dot_y=_coordinate(baseline - day.orders / top_orders * PLOT_HEIGHT),
                label=date_format(day.day, "j M") if labelled else "",
                label_x=_coordinate(centre),
            )
        )
    ticks = [
        Tick(
            y=_coordinate(baseline - share * PLOT_HEIGHT),
            revenue=format_money(top_revenue * Decimal(share), currency),
            # Half of one order is no tick of the orders' scale.
            orders=f"{top_orders * share:g}" if (top_orders * share).is_integer() else "",
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
        summary=_summary(days, currency),
    )
