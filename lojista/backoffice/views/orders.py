"""The Orders list: tabs with counts, filters and search, keyset pages; the
bulk change of the ticked orders; the CSV export.

The list, its tabs, the bulk change and the export read and write through
the selectors and services the API's staff endpoints use
(orders.selectors.staff_orders and friends, orders.services.orders_bulk_*),
so both surfaces list and move the same orders the same way."""

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lojista.core.errors import DomainError, InvalidInput
from lojista.core.money import format_money
from lojista.customers.models import User
from lojista.customers.web import staff_required
from lojista.orders import selectors, services
from lojista.orders.models import Order, OrderStatus, PaymentStatus
from lojista.orders.services import BulkResult
from lojista.orders.statuses import TABS, OrderTab, status_label

from ..forms import add_domain_error
from ..order_list_forms import BulkAction, BulkChangeForm, ExportForm, OrderFilterForm
from .orders_csv import csv_rows

PAGE_SIZE = 25
# A tab holding more orders says "10,000+": counting further would read
# every order of a large shop on each view of the list (order_tab_counts).
TAB_COUNT_CAP = 10_000
LIST = "backoffice:orders"


@dataclass(frozen=True)
class TabLink:
    label: Any
    count: str | None
    url: str
    current: bool


def _query(params: QueryDict, **changes: str | None) -> str:
    """``params`` as a query string, with ``changes`` set (None: removed)."""
    query = params.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return query.urlencode()


def _count_text(count: int) -> str:
    if count > TAB_COUNT_CAP:
        return _("%(count)s+") % {"count": number_format(TAB_COUNT_CAP, force_grouping=True)}
    return number_format(count, force_grouping=True)


def _tabs(params: QueryDict, current: str, counts: dict[str, int] | None) -> list[TabLink]:
    base = reverse(LIST)
    return [
        TabLink(
            label=tab.label,
            count=_count_text(counts[tab]) if counts is not None else None,
            url=f"{base}?{_query(params, tab=tab.value, cursor=None)}",
            current=tab == current,
        )
        for tab in OrderTab
    ]


# One row of the list. The template used to print each cell with a tag,
# filter or model method (dates, money, status labels, the checkbox's label),
# which was most of the page's CPU; a plain loop fills this instead, and
# format_html escapes every value as the template did.
ROW = """
        <tr>
          <td><input type="hidden" name="seen" value="{number}:{status}">\
<input type="checkbox" name="numbers" value="{number}" aria-label="{tick}"{checked}></td>
          <td><a href="{url}">#{number}</a></td>
          <td><time datetime="{created_iso}">{created}</time></td>
          <td>{customer}<br><span class="muted">{email}</span></td>
          <td><span class="badge {status}">{status_label}</span></td>
          <td><span class="badge {payment_status}">{payment_label}</span></td>
          <td class="num">{total}</td>
          <td>{source}</td>
        </tr>
        """
NO_SOURCE = mark_safe('<span class="muted">—</span>')
CHECKED = mark_safe(" checked")


def _rows(orders: list[Order], ticked: set[int]) -> SafeString:
    """The rows of the list's table, as HTML (empty: no orders)."""
    statuses = {value: str(label) for value, label in OrderStatus.choices}
    payments = {value: str(label) for value, label in PaymentStatus.choices}
    tick = _("Tick order #%(number)s")
    page = reverse(LIST)  # an order's page is its number under the list's path
    rows = []
    for order in orders:
        created = timezone.localtime(order.created_at)
        address = order.shipping_address if isinstance(order.shipping_address, dict) else {}
        customer_name = order.customer.name if order.customer is not None else ""
        source = order.utm_source or order.utm_medium
        rows.append(
            format_html(
                ROW,
                number=order.number,
                status=order.status,
                tick=tick % {"number": order.number},
                checked=CHECKED if order.number in ticked else "",
                url=f"{page}{order.number}/",
                created_iso=created.isoformat(),
                created=date_format(created, "SHORT_DATETIME_FORMAT"),
                customer=customer_name or address.get("name") or "",
                email=order.email,
                status_label=statuses.get(order.status, order.status),
                payment_status=order.payment_status,
                payment_label=payments.get(order.payment_status, order.payment_status),
                total=format_money(order.total, order.currency),
                source=f"{order.utm_source or '—'} / {order.utm_medium or '—'}" if source else NO_SOURCE,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - each row escaped by format_html


@lru_cache(maxsize=8)
def _blank_bulk_fields(language: str | None) -> str:
    """The bulk change's fields while nothing was posted: the same HTML for
    every page in a language, so rendered once (ten widgets through Django's
    form templates were a quarter of the page)."""
    return render_to_string("backoffice/orders/bulk_fields.html", {"bulk_form": BulkChangeForm()})


def _bulk_fields(bulk_form: BulkChangeForm) -> str | None:
    """The bulk fields' HTML kept for the blank form; None (the template
    renders them) for a posted one, which shows its values and errors, and
    with DEBUG, where templates are edited while the server runs."""
    if bulk_form.is_bound or settings.DEBUG:
        return None
    return _blank_bulk_fields(get_language())


# The filters besides the tab: any of them set, the form is rendered as usual.
FILTERS = ("q", "created_from", "created_to", "payment_status")


@lru_cache(maxsize=32)
def _plain_filter_fields(language: str | None, values: tuple[tuple[str, str], ...]) -> str:
    """The filter form's fields for ``values`` (the tab alone, at most), in a
    language: a handful of variants in all, rendered once each."""
    return render_to_string("core/form_fields.html", {"form": OrderFilterForm(dict(values))})


def _filter_fields(form: OrderFilterForm, params: QueryDict) -> str | None:
    """The filter form's fields, kept once rendered while the query string
    sets no filter but the tab (browsing the tabs and their pages, most
    views of the list): the same HTML for each tab in a language, where four
    widgets through Django's form templates were a fifth of the page. None
    (the template renders them) for a search, a filter or an error, and
    with DEBUG."""
    if settings.DEBUG or not form.is_valid() or any(params.get(name) for name in FILTERS):
        return None
    values = tuple((name, params[name]) for name in form.fields if params.get(name))
    return _plain_filter_fields(get_language(), values)


def _list_context(params: QueryDict, bulk_form: BulkChangeForm) -> tuple[dict[str, Any], int]:
    """What the list page shows for the query string ``params``, and its
    status: 400 when a filter or the page link is not valid (the errors are
    on the form, and no orders are listed rather than the wrong ones)."""
    form = OrderFilterForm(params)
    orders: list[Any] = []
    counts = None
    next_cursor = None
    if form.is_valid():
        filters = form.filters()
        try:
            page, counts = selectors.staff_order_rows_with_counts(
                statuses=TABS[form.chosen_tab],
                **filters,
                cursor=params.get("cursor") or None,
                limit=PAGE_SIZE,
                cap=TAB_COUNT_CAP,
            )
        except InvalidInput:
            form.add_error(None, _("This page link is not valid. Start again from the first page."))
        else:
            orders, next_cursor = page.items, page.next_cursor
    tab = form.chosen_tab if not form.has_error("tab") else OrderTab.PENDING
    context = {
        "form": form,
        "bulk_form": bulk_form,
        "rows": _rows(orders, _ticked(bulk_form)),
        "bulk_fields": _bulk_fields(bulk_form),
        "filter_fields": _filter_fields(form, params),
        "tabs": _tabs(params, tab, counts),
        "current_tab": tab,
        "query": params.urlencode(),
        # Whole paths: the bulk view shows this page at its own URL.
        "next_url": f"{reverse(LIST)}?{_query(params, cursor=next_cursor)}" if next_cursor else None,
        "first_url": f"{reverse(LIST)}?{_query(params, cursor=None)}" if params.get("cursor") else None,
    }
    return context, 200 if form.is_valid() else 400


def _ticked(bulk_form: BulkChangeForm) -> set[int]:
    """The numbers ticked on an invalid bulk form, to tick them again."""
    if not bulk_form.is_bound:
        return set()
    return {int(value) for value in bulk_form["numbers"].value() or [] if str(value).isdigit()}


@require_GET
@staff_required
def orders(request: HttpRequest) -> HttpResponse:
    context, status = _list_context(request.GET, BulkChangeForm())
    return render(request, "backoffice/orders/list.html", context, status=status)


def _numbers_text(results: list[BulkResult]) -> str:
    return ", ".join(f"#{result.number}" for result in results)


def _report(request: HttpRequest, action: str, results: list[BulkResult]) -> None:
    """One message for the orders that changed, one per reason for those refused."""
    done = [result for result in results if result.ok]
    if done:
        if action == BulkAction.MARK_PAID:
            message = ngettext(
                "%(count)s order marked as paid: %(numbers)s.",
                "%(count)s orders marked as paid: %(numbers)s.",
                len(done),
            )
        else:
            message = ngettext(
                "%(count)s order moved to %(status)s: %(numbers)s.",
                "%(count)s orders moved to %(status)s: %(numbers)s.",
                len(done),
            )
        messages.success(
            request,
            message % {"count": len(done), "status": status_label(action), "numbers": _numbers_text(done)},
        )
    refused: dict[str, list[BulkResult]] = defaultdict(list)
    for result in results:
        if not result.ok and result.error is not None:
            refused[str(result.error.message)].append(result)
    for reason, orders in refused.items():
        messages.error(
            request,
            _("Not changed: %(numbers)s. %(reason)s") % {"numbers": _numbers_text(orders), "reason": reason},
        )


def _apply(form: BulkChangeForm, actor: User) -> list[BulkResult]:
    data = form.cleaned_data
    if data["action"] == BulkAction.MARK_PAID:
        return services.orders_bulk_mark_paid(numbers=data["numbers"], actor=actor)
    cancelling = data["action"] == OrderStatus.CANCELLED
    return services.orders_bulk_transition(
        numbers=data["numbers"],
        to=data["action"],
        actor=actor,
        reason=data["reason"] if cancelling else "",
        restock=data["restock"],
        refund=data["refund"],
        notify=data["notify"],
        seen=data["seen"],
    )


@require_POST
@staff_required
def orders_bulk(request: HttpRequest) -> HttpResponse:
    """Change the ticked orders, each on its own (services.orders_bulk_*),
    then back to the list as it was (its query string rides on this URL),
    with what changed and what was refused, and why. An invalid form shows
    the list again with the errors and the ticks kept."""
    form = BulkChangeForm(request.POST)
    if form.is_valid():
        assert isinstance(request.user, User)  # staff_required
        try:
            results = _apply(form, request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            _report(request, form.cleaned_data["action"], results)
            return redirect(f"{reverse(LIST)}?{request.GET.urlencode()}")
    context, _status = _list_context(request.GET, form)
    return render(request, "backoffice/orders/list.html", context, status=400)


@require_http_methods(["GET", "POST"])
@staff_required
def orders_export(request: HttpRequest) -> HttpResponseBase:
    """The CSV of the ticked orders (``numbers``, posted from the list's
    form, or repeated in the query string), else of every order of the
    query string's tab and filters; streamed, one row per order line."""
    ticked = ExportForm(request.POST if request.method == "POST" else request.GET)
    filters = OrderFilterForm(request.GET)
    if not (ticked.is_valid() and filters.is_valid()):
        for error in [*ticked.errors.values(), *filters.errors.values()]:
            messages.error(request, " ".join(str(message) for message in error))
        return redirect(f"{reverse(LIST)}?{request.GET.urlencode()}")
    numbers = ticked.cleaned_data["numbers"]
    if numbers:
        orders = selectors.staff_orders(numbers=numbers)
    else:
        orders = selectors.staff_orders(statuses=TABS[filters.chosen_tab], **filters.filters())
    response = StreamingHttpResponse(
        csv_rows(selectors.orders_with_lines(orders)), content_type="text/csv; charset=utf-8"
    )
    filename = f"orders-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
