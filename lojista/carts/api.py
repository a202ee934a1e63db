"""The persistent cart: guests address theirs by token, customers also by
/me/cart; logging in merges a guest cart into the customer's."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Path, Router, Status

from lojista.carts import selectors, services
from lojista.carts.models import Cart
from lojista.carts.schemas import MAX_ID, CartOut, LineAddIn, LineQuantityIn
from lojista.core.http import client_address
from lojista.core.ratelimit import rate_limit
from lojista.core.schemas import Error
from lojista.customers.auth import token_auth
from lojista.customers.models import User
from lojista.customers.schemas import LoginIn, LoginOut

router = Router(tags=["carts"])

LineId = Path(ge=1, le=MAX_ID)
CART_ERRORS = {404: Error, 409: Error, 422: Error}


class CartRequest(HttpRequest):
    """A request past OPTIONAL_TOKEN: ``auth`` is the customer, or anonymous."""

    auth: User | AnonymousUser


class CustomerRequest(HttpRequest):
    auth: User


def _guest(request: HttpRequest) -> AnonymousUser:
    """The fallback of optional authentication: no (valid) bearer token."""
    return AnonymousUser()


# A bearer token is optional on /carts/{token}: it is needed only to open a
# cart that belongs to a customer.
OPTIONAL_TOKEN = [token_auth, _guest]
# Ninja documents the bearer as required; an empty requirement beside it is
# OpenAPI's way of saying "or none".
OPTIONAL_TOKEN_DOC: dict[str, list[dict]] = {"security": [{}]}


def _cart(request: CartRequest, token: str) -> Cart:
    viewer = request.auth if isinstance(request.auth, User) else None
    return selectors.cart_for_viewer(token=token, viewer=viewer)


@router.post("/carts", response={201: CartOut, 429: Error})
def create_cart(request: HttpRequest):
    """A new, empty guest cart. Keep its `token`: it is the only key to it."""
    rate_limit(request, "cart_create")
    return Status(201, selectors.new_cart_view(cart=services.cart_create(language=request.LANGUAGE_CODE)))


@router.get(
    "/carts/{token}",
    auth=OPTIONAL_TOKEN,
    openapi_extra=OPTIONAL_TOKEN_DOC,
    response={200: CartOut, 404: Error},
)
def get_cart(request: CartRequest, token: str):
    """The cart re-checked against live stock, publication and prices."""
    return services.cart_show(cart=_cart(request, token))


@router.post(
    "/carts/{token}/lines",
    auth=OPTIONAL_TOKEN,
    openapi_extra=OPTIONAL_TOKEN_DOC,
    response={200: CartOut, **CART_ERRORS},
)
def add_line(request: CartRequest, token: str, payload: LineAddIn):
    """Add units of a variant; a variant already in the cart gets them added to its line."""
    cart = _cart(request, token)
    services.cart_line_add(cart=cart, variant_id=payload.variant_id, quantity=payload.quantity)
    return services.cart_show(cart=cart)


@router.patch(
    "/carts/{token}/lines/{line_id}",
    auth=OPTIONAL_TOKEN,
    openapi_extra=OPTIONAL_TOKEN_DOC,
    response={200: CartOut, **CART_ERRORS},
)
def set_line_quantity(request: CartRequest, token: str, payload: LineQuantityIn, line_id: int = LineId):
    """Ask for a new quantity; 0 removes the line."""
    cart = _cart(request, token)
    services.cart_line_set_quantity(cart=cart, line_id=line_id, quantity=payload.quantity)
    return services.cart_show(cart=cart)


@router.delete(
    "/carts/{token}/lines/{line_id}",
    auth=OPTIONAL_TOKEN,
    openapi_extra=OPTIONAL_TOKEN_DOC,
    response={200: CartOut, **CART_ERRORS},
)
def remove_line(request: CartRequest, token: str, line_id: int = LineId):
    cart = _cart(request, token)
    services.cart_line_remove(cart=cart, line_id=line_id)
    return services.cart_show(cart=cart)


@router.get("/me/cart", auth=token_auth, response={200: CartOut, 401: Error})
def my_cart(request: CustomerRequest):
    """The customer's open cart on every device, created when they have none."""
    cart = services.cart_for_customer(customer=request.auth, language=request.LANGUAGE_CODE)
    return services.cart_show(cart=cart)


# Here rather than with the other account endpoints (customers.api): the
# login merges the guest cart, and customers sit below carts. The operation
# id is the one it always had.
@router.post(
    "/auth/login",
    tags=["accounts"],
    operation_id="lojista_customers_api_login",
    response={200: LoginOut, 401: Error, 422: Error, 429: Error},
)
def login(request: HttpRequest, payload: LoginIn):
    rate_limit(request, "login", email=payload.email)
    result = services.customer_token_login(
        email=payload.email,
        password=payload.password,
        client_address=client_address(request),
        guest_cart_token=payload.cart_token,
        language=request.LANGUAGE_CODE,
    )
    return {
        "token": result.token,
        "customer": result.customer,
        "cart_token": result.cart.token,
        "messages": result.messages,
    }
