"""Orders: the customer's own (/me/orders) and the back office's (/admin/orders)."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router

from lojista.core.schemas import Error
from lojista.customers.auth import staff_auth, token_auth
from lojista.customers.models import User
from lojista.orders import selectors, services
from lojista.orders.models import Order, OrderStatus
from lojista.orders.schemas import (
    MAX_NUMBER,
    BulkErrorOut,
    BulkResultOut,
    BulkTransitionIn,
    BulkTransitionOut,
    OrderOut,
    OrderPageOut,
    StaffOrderOut,
    StaffOrderPageOut,
    TransitionIn,
)
from lojista.orders.statuses import describe_transitions

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


@router.get(
    "/admin/orders",
    auth=staff_auth,
    tags=["admin: orders"],
    response={200: StaffOrderPageOut, **STAFF_ERRORS},
)
def staff_orders(
    request: UserRequest,
    status: Annotated[OrderStatus | None, Query(description="Only orders in this status.")] = None,
    q: Annotated[
        str, Query(max_length=200, description="An order number, or part of an email or name.")
    ] = "",
    cursor: str | None = Cursor,
    limit: int = Limit,
) -> selectors.OrderPage:
    """Every order, newest first, keyset-paginated."""
    return selectors.staff_order_page(status=status, q=q.strip(), cursor=cursor, limit=limit)


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
    )
    return BulkTransitionOut(
        results=[
            BulkResultOut(
                number=result.number,
                ok=result.ok,
                status=result.status,
                error=BulkErrorOut(code=result.error.code, message=str(result.error.message))
                if result.error
                else None,
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
        "Cancelling needs a `reason` and restocks unless `restock` is false; processing may carry "
        "a `tracking_url`. `409 invalid_transition` for any other move."
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
    )
    return selectors.staff_order(number=number)
