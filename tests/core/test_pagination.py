"""core.pagination.keyset_page: every row once, in order, whatever the ties;
a cursor that this order did not hand out is a 422 naming ``cursor``."""

from datetime import UTC, datetime, timedelta

import pytest

from lojista.core.errors import InvalidInput
from lojista.core.models import ScheduledRun
from lojista.core.pagination import encode_cursor, keyset_page

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def make_runs(moments: list[datetime]) -> list[ScheduledRun]:
    runs = [ScheduledRun.objects.create(task_path="t", slot=index) for index in range(len(moments))]
    for run, moment in zip(runs, moments, strict=True):
        # enqueued_at is auto_now_add: set afterwards.
        ScheduledRun.objects.filter(pk=run.pk).update(enqueued_at=moment)
    return runs


def every_page(order: tuple[str, ...], limit: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        page = keyset_page(ScheduledRun.objects.all(), order=order, cursor=cursor, limit=limit)
        pages.append([run.slot for run in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages


def test_a_timestamp_shared_by_many_rows_pages_by_id_without_losing_or_repeating_any():
    # slots 0-4 share one moment, 5 is older, 6 newer
    make_runs([NOON] * 5 + [NOON - timedelta(hours=1), NOON + timedelta(hours=1)])
    pages = every_page(("-enqueued_at", "-id"), limit=2)
    assert pages == [[6, 4], [3, 2], [1, 0], [5]]


def test_ascending_orders_page_forwards():
    make_runs([NOON + timedelta(seconds=index % 2) for index in range(5)])
    assert every_page(("enqueued_at", "id"), limit=3) == [[0, 2, 4], [1, 3]]


def test_microseconds_survive_the_cursor():
    make_runs([NOON.replace(microsecond=1), NOON.replace(microsecond=2), NOON.replace(microsecond=3)])
    assert every_page(("-enqueued_at", "-id"), limit=1) == [[2], [1], [0]]


def test_a_full_last_page_has_no_next_cursor():
    make_runs([NOON, NOON])
    page = keyset_page(ScheduledRun.objects.all(), order=("-id",), cursor=None, limit=2)
    assert (len(page.items), page.next_cursor) == (2, None)


@pytest.mark.parametrize(
    "position",
    [
        {"id": 5},  # another order's cursor
        {"enqueued_at": "2026-03-01T12:00:00", "id": 5},  # no offset
        {"enqueued_at": 1772366400, "id": 5},  # a number, not a timestamp
        {"enqueued_at": "yesterday", "id": 5},
        {"enqueued_at": "2026-03-01T12:00:00+00:00" + " " * 40, "id": 5},
        {"enqueued_at": "2026-03-01T12:00:00+00:00", "id": "5"},
        {"enqueued_at": "2026-03-01T12:00:00+00:00", "id": -1},
    ],
)
def test_a_cursor_of_another_shape_is_invalid_input_naming_cursor(position):
    with pytest.raises(InvalidInput) as raised:
        keyset_page(
            ScheduledRun.objects.all(),
            order=("-enqueued_at", "-id"),
            cursor=encode_cursor(position),
            limit=2,
        )
    assert list(raised.value.details["fields"]) == ["cursor"]


def test_the_last_field_of_the_order_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        keyset_page(ScheduledRun.objects.all(), order=("-slot",), cursor=None, limit=2)
