"""Reads of the Abandoned checkouts extension, shared by the API and the
back-office pages: the settings, the list, one row, and the results.

Watched rows (a checkout not yet past the delay) are never listed nor
counted: they are not abandoned (yet).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from lojista.core.pagination import keyset_page
from lojista.extensions.abandoned_checkouts.errors import AbandonedCheckoutNotFound
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout, RecoverySettings, Reminder

Status = AbandonedCheckout.Status

# The statuses a list may be filtered by (every one but watching).
LISTED_STATUSES = tuple(status for status in Status.values if status != Status.WATCHING)
MAX_LIMIT = 100
# The longest range the results cover (the API refuses longer).
MAX_STATS_DAYS = 366
ZERO = Decimal("0.00")


def recovery_settings() -> RecoverySettings:
    """The owner's settings (created with the defaults on first read)."""
    return RecoverySettings.load()


def _listed() -> QuerySet[AbandonedCheckout]:
    return AbandonedCheckout.objects.exclude(status=Status.WATCHING).filter(abandoned_at__isnull=False)


def abandoned_list(
    *, status: str | None = None, cursor: str | None = None, limit: int = 25
) -> tuple[list[AbandonedCheckout], str | None]:
    """One page of abandoned checkouts, newest abandoned first (keyset on
    (abandoned_at, id): one query at any depth), optionally of one status
    (LISTED_STATUSES; another status lists nothing). Returns the rows and the
    cursor of the next page (None on the last). InvalidInput for a cursor
    not handed out here."""
    rows = _listed().select_related("customer", "order")
    if status:
        rows = rows.filter(status=status)
    page = keyset_page(
        rows, order=("-abandoned_at", "-id"), cursor=cursor, limit=max(1, min(limit, MAX_LIMIT))
    )
    return page.items, page.next_cursor


def abandoned_get(pk: int, *, watching: bool = False) -> AbandonedCheckout:
    """One abandoned checkout with its reminders (newest first) and who sent
    them; AbandonedCheckoutNotFound for an unknown one, or a still watched
    one unless ``watching`` (what a reminder by hand refuses with a reason)."""
    reminders = Reminder.objects.select_related("sent_by").order_by("-created_at", "-pk")
    rows = AbandonedCheckout.objects.all() if watching else _listed()
    row = (
        rows.select_related("customer", "order")
        .prefetch_related(Prefetch("reminders", queryset=reminders))
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise AbandonedCheckoutNotFound()
    return row


# Results.


@dataclass(frozen=True, kw_only=True)
class RecoveryFigures:
    # Checkouts that became abandoned, that got their first reminder, whose
    # link was first opened, and orders recovered (each counted on its own day).
    abandoned: int = 0
    reminded: int = 0
    clicked: int = 0
    recovered: int = 0
    # The recovered orders' totals in the shop's currency (others are not added).
    revenue: Decimal = ZERO

    @property
    def rate(self) -> float | None:
        """Recovered orders per abandoned checkout (None without any
        abandoned): over a range, a recovery may count a checkout abandoned
        before it, so short ranges can exceed 1."""
        return self.recovered / self.abandoned if self.abandoned else None


@dataclass(frozen=True, kw_only=True)
class DayRecovery(RecoveryFigures):
    day: date


@dataclass(frozen=True)
class RecoveryStats:
    start: date
    end: date
    currency: str
    totals: RecoveryFigures
    # Every day from start to end, oldest first; days without anything are zero.
    days: list[DayRecovery]

    @property
    def rate(self) -> float | None:
        return self.totals.rate


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


# Each figure: the date field it is counted on.
_FIGURES = {
    "abandoned": "abandoned_at",
    "reminded": "first_reminded_at",
    "clicked": "clicked_at",
    "recovered": "recovered_at",
}


def recovery_stats(*, start: date, end: date) -> RecoveryStats:
    """Abandoned, reminded, clicked and recovered checkouts, and recovered
    revenue, per day of the shop (settings.TIME_ZONE) from ``start`` to
    ``end`` (both included), with totals and the recovery rate: one query
    (a UNION ALL of one grouped count per figure, each on its date index)."""
    if end < start:
        start, end = end, start
    low, high = _start_of(start), _start_of(end + timedelta(days=1))
    zone = timezone.get_default_timezone()
    currency = settings.LOJISTA_CURRENCY
    parts = []
    for figure, field in _FIGURES.items():
        part = (
            AbandonedCheckout.objects.filter(**{f"{field}__gte": low, f"{field}__lt": high})
            .annotate(figure=Value(figure), day=TruncDate(field, tzinfo=zone))
            .order_by()
            .values("figure", "day")
            .annotate(count=Count("pk"), revenue=Sum("recovered_total", filter=Q(currency=currency)))
            .values_list("figure", "day", "count", "revenue")
        )
        parts.append(part)
    first, *others = parts
    found: dict[date, dict[str, object]] = {}
    for figure, day, count, revenue in first.union(*others, all=True):
        if isinstance(day, datetime):
            day = day.date()
        elif isinstance(day, str):
            day = date.fromisoformat(day[:10])
        figures = found.setdefault(day, {})
        figures[figure] = count
        if figure == "recovered":
            figures["revenue"] = Decimal(str(revenue)) if revenue is not None else ZERO
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        figures = found.get(day, {})
        days.append(DayRecovery(day=day, **figures))  # type: ignore[arg-type]
    totals = RecoveryFigures(
        abandoned=sum(day.abandoned for day in days),
        reminded=sum(day.reminded for day in days),
        clicked=sum(day.clicked for day in days),
        recovered=sum(day.recovered for day in days),
        revenue=sum((day.revenue for day in days), ZERO),
    )
    return RecoveryStats(start=start, end=end, currency=currency, totals=totals, days=days)


__all__ = [
    "LISTED_STATUSES",
    "DayRecovery",
    "RecoveryFigures",
    "RecoveryStats",
    "abandoned_get",
    "abandoned_list",
    "recovery_settings",
    "recovery_stats",
]
