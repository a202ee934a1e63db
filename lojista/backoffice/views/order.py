"""One order: its page (lines, customer, payments, timeline), the actions
staff take on it, a preview of each of its emails, and its printable invoice.

Every action is a POST that calls one order or notification service (the
ones the staff API calls) and redirects back to the page with a message; a
refused action renders the page again with the error beside its form and a
4xx status. The buttons shown are ``orders.selectors.order_actions``: the
services' own rules, read, not repeated here."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from lojista.core.errors import DomainError, InvalidInput
from lojista.customers.models import User
from lojista.customers.web import staff_required
from lojista.notifications import kinds
from lojista.notifications.errors import OutboxMessageNotFound
from lojista.notifications.selectors import order_email
from lojista.notifications.services import order_contact_send
from lojista.orders import services
from lojista.orders.errors import OrderNotFound
from lojista.orders.invoice import TEMPLATE as INVOICE_TEMPLATE
from lojista.orders.invoice import address_lines, customer_name, invoice_context
from lojista.orders.models import Fulfilment, Order, OrderEvent
from lojista.orders.selectors import (
    Audience,
    event_by,
    order_actions,
    order_by_number,
    order_payments,
    order_timeline,
    staff_order,
)
from lojista.orders.statuses import CANCEL_REASONS, EventBy, status_label

from ..forms import add_domain_error
from ..order_forms import (
    ContactForm,
    MarkPaidForm,
    NoteForm,
    RefundRecordForm,
    TrackingForm,
    TransitionForm,
)


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails  # set by django-htmx's middleware


EMAIL_EVENTS = frozenset(
    {OrderEvent.Type.EMAIL_QUEUED, OrderEvent.Type.EMAIL_SENT, OrderEvent.Type.EMAIL_FAILED}
)


@dataclass(frozen=True)
class Entry:
    """One timeline entry as the page shows it."""

    event: OrderEvent
    by: str  # statuses.EventBy
    email_id: int | None  # the outbox message of an email event, for its preview
    email_label: str  # the email's kind, in words
    from_label: str  # a status change's statuses, in words
    to_label: str
    preview: bool = False  # the email's latest entry: the one with its preview


def _timeline(order: Order) -> list[Entry]:
    """The order's timeline for staff; each email's preview goes with its
    latest entry (sent or failed, else queued), not with every one."""
    entries = [_entry(event) for event in order_timeline(order=order, audience=Audience.STAFF)]
    latest = {entry.email_id: index for index, entry in enumerate(entries) if entry.email_id is not None}
    return [
        replace(entry, preview=True)
        if entry.email_id is not None and latest[entry.email_id] == index
        else entry
        for index, entry in enumerate(entries)
    ]


def _entry(event: OrderEvent) -> Entry:
    email_id = None
    email_label = ""
    if event.type in EMAIL_EVENTS and isinstance(event.data, dict):
        raw_id = event.data.get("email_id")
        email_id = raw_id if isinstance(raw_id, int) else None
        key = str(event.data.get("template", ""))
        kind = kinds.find(key)
        email_label = str(kind.label) if kind is not None else key
    return Entry(
        event=event,
        by=event_by(event),
        email_id=email_id,
        email_label=email_label,
        from_label=status_label(event.from_status) if event.from_status else "",
        to_label=status_label(event.to_status) if event.to_status else "",
    )


@dataclass(frozen=True)
class Step:
    """A button to one of the order's next statuses, with its form."""

    to: str
    label: str
    form: TransitionForm


def _step(order: Order, to: str, bound: TransitionForm | None) -> Step:
    form = bound or TransitionForm(initial={"to": to, "expected_status": order.status}, auto_id=f"id_{to}_%s")
    return Step(to=to, label=status_label(to), form=form)


# The forms of the page, by name: each action's view re-renders the page
# with its own bound form in place of the blank one.
FORMS: dict[str, type[forms.Form]] = {
    "tracking_form": TrackingForm,
    "note_form": NoteForm,
    "mark_paid_form": MarkPaidForm,
    "contact_form": ContactForm,
    "refund_form": RefundRecordForm,
}


def _not_found(request: HttpRequest, number: int, message: str | None = None) -> HttpResponse:
    message = message or _("There is no order #%(number)s.") % {"number": number}
    return render(request, "backoffice/order/not_found.html", {"message": message}, status=404)


def _page(
    request: HttpRequest, number: int, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    try:
        order = staff_order(number=number)
    except OrderNotFound:
        return _not_found(request, number)
    bound = bound or {}
    actions = order_actions(order)
    steps = [
        _step(order, to, bound.get("transition_form") if bound.get("transition_to") == to else None)
        for to in actions.transitions
    ]
    context: dict[str, Any] = {
        "order": order,
        "lines": list(order.lines.all()),
        "payments": order_payments(order),
        "timeline": _timeline(order),
        "language": dict(settings.LANGUAGES).get(order.language, order.language),
        "actions": actions,
        "steps": steps,
        "address": address_lines(order),
        "customer_name": customer_name(order),
        "is_pickup": order.fulfilment == Fulfilment.PICKUP,
        "cancel_reason": CANCEL_REASONS.get(order.cancel_reason, order.cancel_reason),
        "event_by": EventBy,
        **{name: bound.get(name) or form() for name, form in FORMS.items()},
    }
    return render(request, "backoffice/order/page.html", context, status=status)


@require_GET
@staff_required
def order(request: HttpRequest, number: int) -> HttpResponse:
    return _page(request, number)


def _back(number: int) -> HttpResponse:
    return redirect("backoffice:order", number=number)


def _act(
    request: HttpRequest,
    number: int,
    name: str,
    form: forms.Form,
    action: Callable[[Order, dict[str, Any]], str],
    **bound: Any,
) -> HttpResponse:
    """Run ``action`` (one service call, returning the success message) on
    order ``number`` with ``form``'s cleaned data and redirect back with the
    message. Otherwise the page again: with the form as ``name`` and its
    errors beside the fields (400) when the input is wrong; with the
    service's refusal at the top and the order as it is now (the service's
    status, 409 mostly) when the order does not allow it (any more)."""
    try:
        order = order_by_number(number=number)
    except OrderNotFound:
        return _not_found(request, number)
    if form.is_valid():
        try:
            done = action(order, form.cleaned_data)
        except InvalidInput as error:
            add_domain_error(form, error)
        except DomainError as error:
            messages.error(request, str(error.message))
            return _page(request, number, status=error.status)
        else:
            messages.success(request, done)
            return _back(number)
    for field in form.hidden_fields():
        # Not typed by anyone (a page tampered with): said at the top.
        for field_error in field.errors:
            messages.error(request, f"{field.name}: {field_error}")
    return _page(request, number, bound={name: form, **bound}, status=400)


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@require_POST
@staff_required
def transition(request: HttpRequest, number: int) -> HttpResponse:
    """Move the order to the status of the button pressed, if it is still in
    the status the page showed (``expected_status``)."""
    form = TransitionForm(request.POST, auto_id=f"id_{request.POST.get('to', '')}_%s")

    def move(order: Order, data: dict[str, Any]) -> str:
        moved = services.order_transition(
            order=order,
            to=data["to"],
            expected_status=data["expected_status"],
            actor=_actor(request),
            tracking_url=data["tracking_url"] or "",
            reason=data["reason"] or "",
            restock=data["restock"],
            refund=data["refund"],
            notify=data["notify"],
        )
        return _("Order #%(number)s is now %(status)s.") % {
            "number": moved.number,
            "status": status_label(moved.status),
        }

    return _act(request, number, "transition_form", form, move, transition_to=request.POST.get("to", ""))


@require_POST
@staff_required
def tracking(request: HttpRequest, number: int) -> HttpResponse:
    def set_link(order: Order, data: dict[str, Any]) -> str:
        services.order_tracking_set(
            order=order, tracking_url=data["tracking_url"], notify=data["notify"], actor=_actor(request)
        )
        return _("The tracking link was saved.")

    return _act(request, number, "tracking_form", TrackingForm(request.POST), set_link)


@require_POST
@staff_required
def note(request: HttpRequest, number: int) -> HttpResponse:
    def add(order: Order, data: dict[str, Any]) -> str:
        services.order_note_add(order=order, note=data["note"], actor=_actor(request))
        return _("The note was added to the timeline.")

    return _act(request, number, "note_form", NoteForm(request.POST), add)


@require_POST
@staff_required
def mark_paid(request: HttpRequest, number: int) -> HttpResponse:
    form = MarkPaidForm(request.POST)

    def mark(order: Order, data: dict[str, Any]) -> str:
        paid = services.order_mark_paid(
            order=order, actor=_actor(request), reference=data["reference"], paid_at=form.paid_at()
        )
        return _("The order is marked as paid: invoice %(invoice)s.") % {"invoice": paid.invoice_number}

    return _act(request, number, "mark_paid_form", form, mark)


@require_POST
@staff_required
def contact(request: HttpRequest, number: int) -> HttpResponse:
    def send(order: Order, data: dict[str, Any]) -> str:
        order_contact_send(order=order, message=data["message"], actor=_actor(request))
        return _("Your message to %(email)s is on its way.") % {"email": order.email}

    return _act(request, number, "contact_form", ContactForm(request.POST), send)


@require_POST
@staff_required
def refund_retry(request: HttpRequest, number: int) -> HttpResponse:
    try:
        order = order_by_number(number=number)
    except OrderNotFound:
        return _not_found(request, number)
    try:
        outcome = services.order_refund_retry(order=order, actor=_actor(request))
    except DomainError as error:
        messages.error(request, str(error.message))
        return _page(request, number, status=error.status)
    if outcome == "refunded":
        messages.success(request, _("The refund went through."))
    else:
        messages.error(request, _("The refund failed again; the payment provider's message is below."))
    return _back(number)


@require_POST
@staff_required
def refund_record(request: HttpRequest, number: int) -> HttpResponse:
    def record(order: Order, data: dict[str, Any]) -> str:
        services.order_refund_record(
            order=order, actor=_actor(request), reference=data["reference"], note=data["note"]
        )
        return _("The refund is recorded.")

    return _act(request, number, "refund_form", RefundRecordForm(request.POST), record)


@require_GET
@staff_required
def email(request: HtmxRequest, number: int, message_id: int) -> HttpResponse:
    """One of the order's emails: its status, recipients and content. A
    fragment for the timeline's HTMX preview, else a page of its own."""
    try:
        order = order_by_number(number=number)
    except OrderNotFound:
        return _not_found(request, number)
    try:
        shown = order_email(order=order, message_id=message_id)
    except OutboxMessageNotFound:
        return _not_found(request, number, _("Order #%(number)s has no such email.") % {"number": number})
    kind = kinds.find(shown.message.kind)
    context = {
        "order": order,
        "email": shown,
        "email_label": str(kind.label) if kind is not None else shown.message.kind,
    }
    template = "backoffice/order/email_preview.html" if request.htmx else "backoffice/order/email.html"
    return render(request, template, context)


@require_GET
@staff_required
def invoice(request: HttpRequest, number: int) -> HttpResponse:
    try:
        order = staff_order(number=number)
    except OrderNotFound:
        return _not_found(request, number)
    context = invoice_context(order, back_url=reverse("backoffice:order", args=[order.number]))
    return render(request, INVOICE_TEMPLATE, context)
