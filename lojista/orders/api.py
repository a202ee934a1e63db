"""Orders: the customer's own (/me/orders) and the back office's (/admin/orders)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status
from ninja.renderers import JSONRenderer

from lojista.core.errors import DomainError
from lojista.core.schemas import Error
from lojista.customers.auth import staff_auth, token_auth
from lojista.customers.models import User
from lojista.orders import selectors, services
from lojista.orders.models import Order, OrderStatus, PaymentStatus
from lojista.orders.schemas import (
    MAX_NUMBER,
    BulkErrorOut,
    BulkMarkPaidIn,
    BulkMarkPaidOut,
    BulkMarkPaidResultOut,
    BulkResultOut,
    BulkTransitionIn,
    BulkTransitionOut,
    ManualRefundIn,
    MarkPaidIn,
    NoteIn,
    OrderOut,
    OrderPageOut,
    StaffOrderOut,
    StaffOrderPageOut,
    TabOut,
    TabsOut,
    TrackingIn,
    TransitionIn,
    staff_order_page_data,
)
from lojista.orders.statuses import OrderTab, describe_transitions, listed_statuses

router = Router(tags=["orders"])

Number = Path(ge=1, le=MAX_NUMBER, description="The order number, e.g. 1001.")
Cursor = Query(None, description="`next_cursor` of the previous page.")
Limit = Query(20, ge=1, le=100)

CUSTOMER_ERRORS = {401: Error, 404: Error, 422: Error}
STAFF_ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}


class UserRequest(HttpRequest):
    auth: User


@router.get("/me/orders", auth=token_auth, response={200: OrderPageOut, **CUSTOMER_ERRORS})
def my_orders(request: UserRequest, cursor: str | None = Cursor, limit: int = Limit) -> selectors.OrderPage:
    """The customer's orders, newest first; follow `next_cursor` until it is null."""
    return selectors.customer_order_page(customer=request.auth, cursor=cursor, limit=limit)


@router.get("/me/orders/{number}", auth=token_auth, response={200: OrderOut, **CUSTOMER_ERRORS})
def my_order(request: UserRequest, number: int = Number) -> Order:
    """One of the customer's orders; another customer's is `404`."""
    return selectors.customer_order(customer=request.auth, number=number)


@router.post(
    "/me/orders/{number}/cancel", auth=token_auth, response={200: OrderOut, 409: Error, **CUSTOMER_ERRORS}
)
def cancel_my_order(request: UserRequest, number: int = Number) -> Order:
    """Cancel the order while it is pending (its units go back on hand);
    `409 invalid_transition` once the shop has processed it."""
    order = selectors.order_by_number(number=number)
    services.order_cancel_by_customer(order=order, customer=request.auth)  # another's order: 404
    return selectors.customer_order(customer=request.auth, number=number)


Search = Annotated[str, Query(max_length=200, description="An order number, or part of an email or name.")]
CreatedFrom = Annotated[
    date | None, Query(description="Only orders placed on or after this day (shop time).")
]
CreatedTo = Annotated[date | None, Query(description="Only orders placed on or before this day (shop time).")]
PaymentStatusFilter = Annotated[
    PaymentStatus | None, Query(description="Only orders in this payment status.")
]


@router.get(
    "/admin/orders",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: StaffOrderPageOut, **STAFF_ERRORS},
)
def staff_orders(
    request: UserRequest,
    status: Annotated[
        list[OrderStatus] | None, Query(description="Only orders in these statuses (repeat it for several).")
    ] = None,
    tab: Annotated[
        OrderTab | None,
        Query(
            description="Only the orders of a back-office tab: "
            "pending (pending and processed), closed, cancelled, all."
        ),
    ] = None,
    created_from: CreatedFrom = None,
    created_to: CreatedTo = None,
    payment_status: PaymentStatusFilter = None,
    q: Search = "",
    cursor: str | None = Cursor,
    limit: int = Limit,
) -> HttpResponse:
    """Every order, newest first, keyset-paginated; `tab` and `status` together list the orders in both."""
    page = selectors.staff_order_page(
        statuses=listed_statuses(tab, status),
        created_from=created_from,
        created_to=created_to,
        payment_status=payment_status,
        q=q.strip(),
        cursor=cursor,
        limit=limit,
    )
    # Built as StaffOrderPageOut dumps it (schemas.staff_order_page_data) and
    # rendered as ninja renders it: validating every order, line and event
    # through the schema was most of the list's CPU.
    body = JSONRenderer().render(request, staff_order_page_data(page), response_status=200)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@router.get(
    "/admin/orders/tabs",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: TabsOut, **STAFF_ERRORS},
)
def staff_order_tabs(
    request: UserRequest,
    created_from: CreatedFrom = None,
    created_to: CreatedTo = None,
    payment_status: PaymentStatusFilter = None,
    q: Search = "",
) -> TabsOut:
    """The back office's tabs with how many orders each holds, under the same filters as the list."""
    counts = selectors.order_tab_counts(
        created_from=created_from, created_to=created_to, payment_status=payment_status, q=q.strip()
    )
    return TabsOut(tabs=[TabOut(tab=tab.value, label=str(tab.label), count=counts[tab]) for tab in OrderTab])


# Registered before /admin/orders/{number}, whose pattern would otherwise match it.
@router.post(
    "/admin/orders/bulk-transitions",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: BulkTransitionOut, **STAFF_ERRORS},
)
def staff_bulk_transition(request: UserRequest, payload: BulkTransitionIn) -> BulkTransitionOut:
    """Move many orders at once; each succeeds or fails on its own, as `results` tells."""
    results = services.orders_bulk_transition(
        numbers=payload.numbers,
        to=payload.to,
        actor=request.auth,
        note=payload.note,
        reason=payload.reason or "",
        restock=payload.restock,
        notify=payload.notify,
        refund=payload.refund,
    )
    return BulkTransitionOut(
        results=[
            BulkResultOut(
                number=result.number,
                ok=result.ok,
                status=result.status,
                error=_bulk_error(result.error),
            )
            for result in results
        ]
    )


def _bulk_error(error: DomainError | None) -> BulkErrorOut | None:
    return BulkErrorOut(code=error.code, message=str(error.message)) if error else None


@router.post(
    "/admin/orders/bulk-mark-paid",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: BulkMarkPaidOut, **STAFF_ERRORS},
)
def staff_bulk_mark_paid(request: UserRequest, payload: BulkMarkPaidIn) -> BulkMarkPaidOut:
    """Mark many offline orders paid for their totals; each succeeds or fails on its own
    (`order_already_paid`, `mark_paid_not_allowed`, `not_found`), as `results` tells."""
    results = services.orders_bulk_mark_paid(
        numbers=payload.numbers, actor=request.auth, paid_at=payload.paid_at
    )
    return BulkMarkPaidOut(
        results=[
            BulkMarkPaidResultOut(
                number=result.number,
                ok=result.ok,
                payment_status=result.status,
                invoice_number=result.invoice_number,
                error=_bulk_error(result.error),
            )
            for result in results
        ]
    )


@router.get(
    "/admin/orders/{number}",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: StaffOrderOut, **STAFF_ERRORS},
)
def staff_order(request: UserRequest, number: int = Number) -> Order:
    """The order with its customer, notes and the full timeline (who did what)."""
    return selectors.staff_order(number=number)


@router.post(
    "/admin/orders/{number}/transitions",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: StaffOrderOut, 409: Error, **STAFF_ERRORS},
    description=(
        f"Move the order to another status. Allowed moves: {describe_transitions()} "
        "Cancelling needs a `reason`, restocks unless `restock` is false and refunds a card payment "
        "unless `refund` is false; processing may carry a `tracking_url`. `409 invalid_transition` "
        "for any other move; `409 order_changed` when `expected_status` is given and the order is "
        "no longer in it."
    ),
)
def staff_transition(request: UserRequest, payload: TransitionIn, number: int = Number) -> Order:
    services.order_transition(
        order=selectors.order_by_number(number=number),
        to=payload.to,
        actor=request.auth,
        note=payload.note,
        tracking_url=payload.tracking_url,
        reason=payload.reason or "",
        restock=payload.restock,
        notify=payload.notify,
        refund=payload.refund,
        expected_status=payload.expected_status,
    )
    return selectors.staff_order(number=number)


@router.post(
    "/admin/orders/{number}/notes",
    auth=staff_auth,
    tags=["admin: orders"],
    response={201: StaffOrderOut, **STAFF_ERRORS},
)
def staff_note_add(request: UserRequest, payload: NoteIn, number: int = Number) -> Status:
    """Add an internal note to the order's timeline: staff see it, the customer never does."""
    services.order_note_add(
        order=selectors.order_by_number(number=number), note=payload.note, actor=request.auth
    )
    return Status(201, selectors.staff_order(number=number))


@router.put(
    "/admin/orders/{number}/tracking",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: StaffOrderOut, 409: Error, **STAFF_ERRORS},
)
def staff_tracking_set(request: UserRequest, payload: TrackingIn, number: int = Number) -> Order:
    """Set or change the tracking link of a processed or delivered order (`409 tracking_not_allowed`
    otherwise); with `notify` (default) the customer gets the Processed email again, with the link.
    The same link again changes nothing."""
    services.order_tracking_set(
        order=selectors.order_by_number(number=number),
        tracking_url=payload.tracking_url,
        notify=payload.notify,
        actor=request.auth,
    )
    return selectors.staff_order(number=number)


@router.post(
    "/admin/orders/{number}/refunds/retry",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: StaffOrderOut, 409: Error, **STAFF_ERRORS},
)
def staff_refund_retry(request: UserRequest, number: int = Number) -> Order:
    """Send a failed (or still pending) refund through the gateway again, now. The answer shows
    the outcome: `payment_status` `refunded`, or `refund_failed` with the provider's message on
    the payment's last refund. `409 refund_not_retryable` when no refund is due."""
    services.order_refund_retry(order=selectors.order_by_number(number=number), actor=request.auth)
    return selectors.staff_order(number=number)


@router.post(
    "/admin/orders/{number}/refunds/manual",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: StaffOrderOut, 409: Error, **STAFF_ERRORS},
)
def staff_refund_record(request: UserRequest, payload: ManualRefundIn, number: int = Number) -> Order:
    """Record that an offline payment's money was given back outside the app: `payment_status`
    becomes `refunded`. `409 manual_refund_not_allowed` for a card payment or nothing to refund."""
    services.order_refund_record(
        order=selectors.order_by_number(number=number),
        actor=request.auth,
        reference=payload.reference,
        note=payload.note,
    )
    return selectors.staff_order(number=number)


@router.post(
    "/admin/orders/{number}/payments/mark-paid",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: StaffOrderOut, 409: Error, **STAFF_ERRORS},
)
def staff_mark_paid(request: UserRequest, payload: MarkPaidIn, number: int = Number) -> Order:
    """Record that an offline payment (bank transfer, cash on delivery) was received: `payment_status`
    becomes `paid` and the invoice is numbered. The amount, when given, must be the order's total in
    its currency (`422`); `409 order_already_paid` the second time, `409 mark_paid_not_allowed` for
    a card order, a cancelled or a refunded one."""
    services.order_mark_paid(
        order=selectors.order_by_number(number=number),
        actor=request.auth,
        amount=Decimal(payload.amount.amount) if payload.amount else None,
        currency=payload.amount.currency if payload.amount else None,
        paid_at=payload.paid_at,
        reference=payload.reference,
    )
    return selectors.staff_order(number=number)
