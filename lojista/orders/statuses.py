"""The order state machine, as data: which status may follow which, and who may move it.

The services, the API, the back office and the docs all read these tables;
nothing else decides whether a move is allowed.
"""

from collections.abc import Iterable, Mapping

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lojista.orders.models import OrderStatus

# Staff may make every move listed here; Delivered and Cancelled are final.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PROCESSED, OrderStatus.CANCELLED}),
    OrderStatus.PROCESSED: frozenset({OrderStatus.DELIVERED, OrderStatus.CANCELLED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

# A customer may only cancel their own order, and only while it is pending:
# once the shop has prepared it, cancelling is the shop's decision.
CUSTOMER_TRANSITIONS: Mapping[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.CANCELLED}),
    OrderStatus.PROCESSED: frozenset(),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class EventBy(models.TextChoices):
    """Who made a status change, as the timeline says it (``data.by``): the
    customer cancelling their own order, staff, or the system (no one)."""

    CUSTOMER = "customer", _("The customer")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("The system")


class CancelReason(models.TextChoices):
    CUSTOMER_REQUEST = "customer_request", _("Customer request")
    RETURNED_GOODS = "returned_goods", _("Returned goods")
    OUT_OF_STOCK = "out_of_stock", _("Out of stock")
    SUSPECTED_FRAUD = "suspected_fraud", _("Suspected fraud")
    OTHER = "other", _("Other")


CANCEL_REASONS: Mapping[str, str | Promise] = dict(CancelReason.choices)


class OrderTab(models.TextChoices):
    """The back office's tabs of the Orders section, as the original product had them."""

    PENDING = "pending", _("Pending")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    ALL = "all", _("All")


# The statuses each tab lists, beside the transitions they follow from:
# "Pending" is everything the shop still has to act on. None: every status.
TABS: Mapping[str, frozenset[str] | None] = {
    OrderTab.PENDING: frozenset({OrderStatus.PENDING, OrderStatus.PROCESSED}),
    OrderTab.CLOSED: frozenset({OrderStatus.DELIVERED}),
    OrderTab.CANCELLED: frozenset({OrderStatus.CANCELLED}),
    OrderTab.ALL: None,
}


def listed_statuses(tab: str | None, statuses: Iterable[str] | None) -> frozenset[str] | None:
    """The statuses a staff list shows for a tab and/or chosen statuses (both
    given: those in both); None: every status."""
    listed = TABS[tab] if tab else None
    if statuses:
        listed = (listed if listed is not None else frozenset(OrderStatus.values)) & set(statuses)
    return listed


def allowed_transitions(status: str, *, table: Mapping[str, frozenset[str]] = TRANSITIONS) -> list[str]:
    """The statuses an order in ``status`` may move to, in the order of OrderStatus."""
    allowed = table.get(status, frozenset())
    return [choice for choice in OrderStatus.values if choice in allowed]


def status_label(status: str) -> str:
    """The translated name of ``status`` (or the raw value of an unknown one)."""
    return str(dict(OrderStatus.choices).get(status, status))


def describe_transitions(table: Mapping[str, frozenset[str]] = TRANSITIONS) -> str:
    """The table in words, for the API documentation: "pending → processed, cancelled; …"."""
    moves = [
        f"{status} → {', '.join(allowed_transitions(status, table=table))}"
        for status in OrderStatus.values
        if table.get(status)
    ]
    final = [status for status in OrderStatus.values if not table.get(status)]
    return f"{'; '.join(moves)}. Final: {', '.join(final)}."
