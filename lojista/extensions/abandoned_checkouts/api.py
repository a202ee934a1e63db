"""The extension's endpoints, mounted at /api/v1/ by the glue (404 while
uninstalled). Staff read the list, a checkout and the results, and send a
reminder by hand; the settings are the owner's."""

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from lojista.core.errors import InvalidInput
from lojista.core.money import amount_text
from lojista.core.schemas import Error
from lojista.customers.auth import owner_auth, staff_auth
from lojista.customers.models import User
from lojista.extensions.abandoned_checkouts import selectors, services
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout, RecoverySettings, Reminder
from lojista.extensions.abandoned_checkouts.schemas import (
    AbandonedCheckoutDetailOut,
    AbandonedCheckoutPageOut,
    RecoverySettingsIn,
    RecoverySettingsOut,
    RecoveryStatsOut,
    ReminderOut,
    RemindIn,
)

router = Router(tags=["abandoned checkouts"], auth=staff_auth)

ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}
BASE = "/admin/abandoned-checkouts"
AbandonedId = Path(ge=1, le=2**63 - 1, description="The abandoned checkout's id.")


FROM = Query(..., alias="from", description="First day (the shop's calendar), YYYY-MM-DD.")
TO = Query(..., alias="to", description="Last day, included; at most 366 days after `from`.")


class StaffRequest(HttpRequest):
    auth: User


@router.get(f"{BASE}/settings", auth=owner_auth, response={200: RecoverySettingsOut, **ERRORS})
def get_settings(request: StaffRequest) -> RecoverySettings:
    """The owner's settings (the defaults until first saved)."""
    return selectors.recovery_settings()


@router.put(f"{BASE}/settings", auth=owner_auth, response={200: RecoverySettingsOut, **ERRORS})
def put_settings(request: StaffRequest, payload: RecoverySettingsIn) -> RecoverySettings:
    """Replace the settings; `422` names each field out of its range (zero
    minutes are allowed, for demos)."""
    return services.recovery_settings_update(**payload.dict())


@router.get(BASE, response={200: AbandonedCheckoutPageOut, **ERRORS})
def list_abandoned(
    request: StaffRequest,
    status: AbandonedCheckout.Status | None = None,
    cursor: str | None = Query(None, description="`next_cursor` of the previous page."),
    limit: int = Query(25, ge=1, le=selectors.MAX_LIMIT),
) -> dict[str, Any]:
    """Abandoned checkouts, newest abandoned first; `?status=` filters
    (checkouts still within the delay are never listed)."""
    rows, next_cursor = selectors.abandoned_list(status=status, cursor=cursor, limit=limit)
    return {"items": rows, "next_cursor": next_cursor}


def _money(amount: Any, currency: str) -> dict[str, str]:
    return {"amount": amount_text(amount), "currency": currency}


def _figures(figures: selectors.RecoveryFigures, currency: str) -> dict[str, Any]:
    return {
        "abandoned": figures.abandoned,
        "reminded": figures.reminded,
        "clicked": figures.clicked,
        "recovered": figures.recovered,
        "revenue": _money(figures.revenue, currency),
        "rate": figures.rate,
    }


@router.get(f"{BASE}/stats", response={200: RecoveryStatsOut, **ERRORS})
def get_stats(
    request: StaffRequest,
    start: date = FROM,
    end: date = TO,
) -> dict[str, Any]:
    """Per day: checkouts abandoned, reminded (first reminder), clicked
    (first click), orders recovered and their revenue; totals and the
    recovery rate (recovered / abandoned). `422` when `from` is after `to`
    or the range is longer than 366 days."""
    if start > end:
        raise InvalidInput.field("from", _("“from” must not be after “to”."))
    if end - start >= timedelta(days=selectors.MAX_STATS_DAYS):
        raise InvalidInput.field("to", _("The range is limited to 366 days."))
    stats = selectors.recovery_stats(start=start, end=end)
    return {
        "start": stats.start,
        "end": stats.end,
        "currency": stats.currency,
        "totals": _figures(stats.totals, stats.currency),
        "days": [{"day": day.day, **_figures(day, stats.currency)} for day in stats.days],
    }


@router.get(f"{BASE}/{{abandoned_id}}", response={200: AbandonedCheckoutDetailOut, **ERRORS})
def get_abandoned(request: StaffRequest, abandoned_id: int = AbandonedId) -> AbandonedCheckout:
    """One abandoned checkout with its reminders, newest first."""
    return selectors.abandoned_get(abandoned_id)


@router.post(f"{BASE}/{{abandoned_id}}/remind", response={201: ReminderOut, 409: Error, **ERRORS})
def remind(request: StaffRequest, payload: RemindIn, abandoned_id: int = AbandonedId) -> Status[Reminder]:
    """Email the customer a reminder now, with an optional `message`.
    `409 reminder_not_allowed` with `details.reason`: `ordered`,
    `unsubscribed`, `out_of_stock`, `recovered`, `purged`, `watching`
    or `too_soon` (one was sent less than 10 minutes ago)."""
    abandoned = selectors.abandoned_get(abandoned_id, watching=True)
    reminder = services.abandoned_remind(abandoned=abandoned, actor=request.auth, message=payload.message)
    return Status(201, reminder)
