"""The results: per day of the shop, in one query, with totals and the rate."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout
from lojista.extensions.abandoned_checkouts.selectors import recovery_stats
from tests.extensions.abandoned_checkouts.recovery_helpers import abandoned_row

Status = AbandonedCheckout.Status
pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def rows(settings):
    settings.TIME_ZONE = "America/Sao_Paulo"  # UTC-3
    # Monday: three abandoned; two reminded, one clicked and recovered on Tuesday.
    recovered = abandoned_row(
        abandoned_at=MONDAY,
        first_reminded_at=MONDAY + timedelta(hours=1),
        clicked_at=MONDAY + DAY,
        recovered_at=MONDAY + DAY,
        recovered_total=Decimal("40.00"),
        status=Status.RECOVERED,
    )
    abandoned_row(abandoned_at=MONDAY, first_reminded_at=MONDAY + timedelta(hours=1), status=Status.REMINDED)
    # 01:30 UTC on Tuesday is still Monday in São Paulo.
    abandoned_row(abandoned_at=datetime(2026, 3, 3, 1, 30, tzinfo=UTC))
    # Another currency: counted, not added to the revenue.
    abandoned_row(
        abandoned_at=MONDAY + 2 * DAY,
        recovered_at=MONDAY + 2 * DAY,
        recovered_total=Decimal("99.00"),
        currency="USD",
        status=Status.RECOVERED,
    )
    # Outside the range, and a watched row, are not counted.
    abandoned_row(abandoned_at=MONDAY - 5 * DAY)
    abandoned_row(abandoned_at=None, started_at=MONDAY, status=Status.WATCHING)
    return recovered


def test_figures_per_day_in_the_shop_time_zone_with_totals(rows, django_assert_num_queries):
    with django_assert_num_queries(1):
        stats = recovery_stats(start=date(2026, 3, 2), end=date(2026, 3, 5))

    figures = [(d.day.day, d.abandoned, d.reminded, d.clicked, d.recovered, d.revenue) for d in stats.days]
    assert figures == [
        (2, 3, 2, 0, 0, Decimal("0.00")),
        (3, 0, 0, 1, 1, Decimal("40.00")),
        (4, 1, 0, 0, 1, Decimal("0.00")),
        (5, 0, 0, 0, 0, Decimal("0.00")),
    ]
    totals = stats.totals
    assert (totals.abandoned, totals.reminded, totals.clicked, totals.recovered) == (4, 2, 1, 2)
    assert totals.revenue == Decimal("40.00")
    assert stats.rate == 0.5
    assert stats.currency == "EUR"


def test_a_range_without_anything_has_no_rate(rows):
    stats = recovery_stats(start=date(2026, 1, 1), end=date(2026, 1, 2))

    assert [day.abandoned for day in stats.days] == [0, 0]
    assert stats.rate is None
