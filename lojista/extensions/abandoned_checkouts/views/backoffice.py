"""The back office's pages of abandoned checkouts (staff; settings: owners):
the list (Orders → Abandoned), one checkout with its timeline and the
"Send a recovery email" form, the results over a range of days with a
chart, and the settings. Each page parses its input and calls one selector
or service (the same as the API's, ``api.py``)."""

from typing import Any

from django.conf import settings as django_settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lojista.core.charts import Chart, DayFigures, day_chart
from lojista.core.errors import InvalidInput
from lojista.core.forms import add_domain_error
from lojista.core.money import format_money
from lojista.customers.models import User
from lojista.customers.web import owner_required, staff_required
from lojista.notifications import kinds

from .. import selectors, services
from ..errors import REMINDER_REFUSALS, AbandonedCheckoutNotFound, ReminderNotAllowed
from ..forms import PRESET_DAYS, STATUS_TABS, ListFilterForm, RemindForm, ResultsForm, SettingsForm
from ..models import AbandonedCheckout, RecoverySettings
from ..selectors import DayRecovery, RecoveryStats

PAGE_SIZE = 25
LIST = "abandoned_checkouts:list"
# The email kinds of the reminders: their templates are edited in Settings → Emails.
KIND_PREFIX = "abandoned_checkout"


# The list ----------------------------------------------------------------------


def _tabs(current: str) -> list[dict[str, Any]]:
    base = reverse(LIST)
    return [
        {
            "label": label,
            "url": f"{base}?{urlencode({'status': value})}" if value else base,
            "current": value == current,
        }
        for value, label in STATUS_TABS
    ]


@require_GET
@staff_required
def abandoned_list(request: HttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    cursor = request.GET.get("cursor") or None
    problem = "" if form.is_valid() else _("There is no such status; here are all of them.")
    try:
        rows, next_cursor = selectors.abandoned_list(status=status or None, cursor=cursor, limit=PAGE_SIZE)
    except InvalidInput:
        problem = _("That page link is not valid; here is the first page.")
        rows, next_cursor = selectors.abandoned_list(status=status or None, cursor=None, limit=PAGE_SIZE)
        cursor = None
    query = {"status": status} if status else {}
    context = {
        "rows": rows,
        "tabs": _tabs(status),
        "status": status,
        "problem": problem,
        "next_url": f"{reverse(LIST)}?{urlencode({**query, 'cursor': next_cursor})}" if next_cursor else None,
        "first_url": f"{reverse(LIST)}?{urlencode(query)}" if cursor else None,
    }
    if not rows and not status and not cursor:
        # Nothing at all yet: the page explains how it works, with the settings.
        context["options"] = selectors.recovery_settings()
    return render(
        request, "abandoned_checkouts/backoffice/list.html", context, status=400 if problem else 200
    )


# One abandoned checkout ------------------------------------------------------------


def _found(pk: int) -> AbandonedCheckout:
    try:
        return selectors.abandoned_get(pk)
    except AbandonedCheckoutNotFound:
        raise Http404() from None


def _timeline(row: AbandonedCheckout) -> list[dict[str, Any]]:
    """What happened to ``row``, oldest first: started, abandoned, each
    reminder (its step or who sent it, the message), clicked, recovered
    (with the order), personal data removed."""
    events: list[dict[str, Any]] = [{"type": "started", "label": _("Checkout started"), "at": row.started_at}]
    if row.abandoned_at:
        events.append({"type": "abandoned", "label": _("Abandoned"), "at": row.abandoned_at})
    for reminder in row.reminders.all():
        if reminder.step is None:
            label = _("Recovery email sent by hand")
        else:
            label = _("Reminder %(number)d sent automatically") % {"number": reminder.step + 1}
        events.append(
            {
                "type": "reminded",
                "label": label,
                "at": reminder.created_at,
                "by": reminder.sent_by,
                "message": reminder.message,
            }
        )
    if row.clicked_at:
        events.append({"type": "clicked", "label": _("The customer opened the link"), "at": row.clicked_at})
    if row.recovered_at:
        events.append(
            {
                "type": "recovered",
                "label": _("Recovered: the customer ordered"),
                "at": row.recovered_at,
                "order": row.order,
            }
        )
    if row.purged_at:
        events.append({"type": "purged", "label": _("Personal data removed"), "at": row.purged_at})
    return sorted(events, key=lambda event: event["at"])


def _detail(
    request: HttpRequest, row: AbandonedCheckout, form: RemindForm, status: int = 200
) -> HttpResponse:
    context = {
        "row": row,
        "timeline": _timeline(row),
        "form": form,
        "refusal": REMINDER_REFUSALS.get(refusal) if (refusal := services.reminder_refusal(row)) else None,
    }
    return render(request, "abandoned_checkouts/backoffice/detail.html", context, status=status)


@require_GET
@staff_required
def abandoned_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _found(pk), RemindForm())


@require_POST
@staff_required
def abandoned_remind(request: HttpRequest, pk: int) -> HttpResponse:
    row = _found(pk)
    form = RemindForm(request.POST)
    if not form.is_valid():
        return _detail(request, row, form, status=400)
    assert isinstance(request.user, User)
    try:
        services.abandoned_remind(abandoned=row, actor=request.user, message=form.cleaned_data["message"])
    except ReminderNotAllowed as error:
        form.add_error(None, str(error.message))
        return _detail(request, _found(pk), form, status=409)
    except InvalidInput as error:
        add_domain_error(form, error)
        return _detail(request, row, form, status=400)
    messages.success(request, _("Reminder sent to %(email)s.") % {"email": row.email})
    return redirect("abandoned_checkouts:detail", pk=row.pk)


# Results ---------------------------------------------------------------------------


def _percent(rate: float | None) -> str:
    """0.125 as "12.5%" (in the reader's number format); "—" without a rate."""
    if rate is None:
        return "—"
    return _("%(percent)s%%") % {"percent": number_format(round(rate * 100, 1), decimal_pos=1)}


def _day_title(day: DayRecovery, currency: str) -> str:
    return _(
        "%(day)s: %(abandoned)d abandoned, %(reminded)d reminded, %(clicked)d clicked, "
        "%(recovered)d recovered, %(revenue)s"
    ) % {
        "day": date_format(day.day, "MONTH_DAY_FORMAT"),
        "abandoned": day.abandoned,
        "reminded": day.reminded,
        "clicked": day.clicked,
        "recovered": day.recovered,
        "revenue": format_money(day.revenue, currency),
    }


def _summary(stats: RecoveryStats) -> str:
    totals = stats.totals
    return ngettext(
        "Recovered orders and revenue per day from %(start)s to %(end)s: %(count)d order recovered, "
        "%(revenue)s in all.",
        "Recovered orders and revenue per day from %(start)s to %(end)s: %(count)d orders recovered, "
        "%(revenue)s in all.",
        totals.recovered,
    ) % {
        "start": date_format(stats.start, "SHORT_DATE_FORMAT"),
        "end": date_format(stats.end, "SHORT_DATE_FORMAT"),
        "count": totals.recovered,
        "revenue": format_money(totals.revenue, stats.currency),
    }


def _chart(stats: RecoveryStats) -> Chart:
    figures = [
        DayFigures(
            day=day.day, amount=day.revenue, count=day.recovered, title=_day_title(day, stats.currency)
        )
        for day in stats.days
    ]
    return day_chart(
        figures, amount_label=lambda amount: format_money(amount, stats.currency), summary=_summary(stats)
    )


@require_GET
@staff_required
def results(request: HttpRequest) -> HttpResponse:
    """The last 30 days by default; a preset (``days``) or a range of dates.
    A range that is not valid shows its errors over the default range."""
    form = ResultsForm(request.GET)
    valid = form.is_valid()
    start, end = (form.cleaned_data["start"], form.cleaned_data["end"]) if valid else ResultsForm.range_of({})
    chosen_days = form.cleaned_data.get("days") if valid else None
    if valid:  # the dates shown are the range's, a preset's included
        form = ResultsForm(initial={"start": start, "end": end})
    stats = selectors.recovery_stats(start=start, end=end)
    base = reverse("abandoned_checkouts:results")
    context = {
        "form": form,
        "stats": stats,
        "rate": _percent(stats.rate),
        "chart": _chart(stats),
        "presets": [
            {"days": days, "url": f"{base}?days={days}", "current": days == chosen_days}
            for days in PRESET_DAYS
        ],
    }
    return render(
        request, "abandoned_checkouts/backoffice/results.html", context, status=200 if valid else 400
    )


# Settings (owners) -----------------------------------------------------------------


def _email_kinds() -> list[dict[str, Any]]:
    """The reminders' email kinds, each with a link to its template per language."""
    return [
        {
            "label": kind.label,
            "languages": [
                {"name": name, "url": reverse("backoffice:settings_email", args=[kind.key, code])}
                for code, name in django_settings.LANGUAGES
            ],
        }
        for kind in kinds.all_kinds()
        if kind.key.startswith(KIND_PREFIX)
    ]


def _initial(options: RecoverySettings) -> dict[str, Any]:
    return {
        "delay_minutes": options.delay_minutes,
        "auto_send": options.auto_send,
        "schedule_minutes": ", ".join(str(minutes) for minutes in options.schedule_minutes),
        "link_ttl_days": options.link_ttl_days,
        "retention_days": options.retention_days,
    }


@require_http_methods(["GET", "POST"])
@owner_required
def recovery_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.recovery_settings_update(**form.cleaned_data)
            except InvalidInput as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect("abandoned_checkouts:settings")
    else:
        form = SettingsForm(initial=_initial(selectors.recovery_settings()))
    context = {"form": form, "email_kinds": _email_kinds()}
    status = 400 if form.errors else 200
    return render(request, "abandoned_checkouts/backoffice/settings.html", context, status=status)
