"""The home page's chart of orders and revenue per day: bars for revenue
(left scale), dots joined by a line for the number of orders (right scale),
drawn by ``core.charts`` (shared with the extensions' pages)."""

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojista.core.charts import Chart, DayFigures, day_chart
from lojista.core.charts import nice_ceiling as nice_ceiling
from lojista.core.money import format_money
from lojista.orders.reports import DaySales


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
    figures = [
        DayFigures(day=day.day, amount=day.revenue, count=day.orders, title=_day_title(day, currency))
        for day in days
    ]
    return day_chart(
        figures, amount_label=lambda amount: format_money(amount, currency), summary=_summary(days, currency)
    )
