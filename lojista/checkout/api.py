"""Checkout: shipping methods, starting a checkout from a cart, reading it back."""

from ninja import Query, Router, Status

from lojista.carts.api import OPTIONAL_TOKEN, OPTIONAL_TOKEN_DOC, CartRequest
from lojista.carts.selectors import cart_for_viewer
from lojista.checkout import selectors, services
from lojista.checkout.schemas import CheckoutIn, CheckoutOut, ShippingMethodOut
from lojista.core.ratelimit import rate_limit
from lojista.core.schemas import Error
from lojista.customers.models import User

router = Router(tags=["checkout"])

COUNTRY = Query(
    None,
    pattern=r"^[A-Za-z]{2}$",
    description="ISO 3166-1 alpha-2 code of the destination, e.g. PT (any case). Pickup methods are "
    "listed for every country; without a country, only they are.",
)
CART_TOKEN = Query(None, description="Price the methods for this cart's subtotal (free shipping applied).")


def _viewer(request: CartRequest) -> User | None:
    return request.auth if isinstance(request.auth, User) else None


@router.get(
    "/shipping-methods",
    auth=OPTIONAL_TOKEN,
    openapi_extra=OPTIONAL_TOKEN_DOC,
    response={200: list[ShippingMethodOut], 404: Error, 422: Error},
)
def shipping_methods(
    request: CartRequest, country: str | None = COUNTRY, cart_token: str | None = CART_TOKEN
):
    """The active methods delivering to `country`, and the pickup methods
    (collected at the shop: offered whatever the country); an unserved
    country gets just the pickup methods, if any."""
    cart = cart_for_viewer(token=cart_token, viewer=_viewer(request)) if cart_token is not None else None
    return selectors.shipping_options_for_cart(country=country, cart=cart)


@router.post(
    "/carts/{token}/checkout",
    auth=OPTIONAL_TOKEN,
    openapi_extra=OPTIONAL_TOKEN_DOC,
    response={201: CheckoutOut, 404: Error, 409: Error, 422: Error, 429: Error},
)
def start_checkout(request: CartRequest, token: str, payload: CheckoutIn):
    """Price the cart on the server and hold its stock until `expires_at`. A
    line short of stock buys what is left; a cart that cannot be bought
    answers 409 `cart_not_checkoutable` naming the lines at fault. Starting
    again replaces the cart's previous checkout."""
    rate_limit(request, "checkout_start", cart=token, email=payload.email)
    viewer = _viewer(request)
    cart = cart_for_viewer(token=token, viewer=viewer)
    checkout = services.checkout_start(
        cart=cart,
        customer=viewer,
        email=payload.email,
        shipping_address=payload.shipping_address.model_dump(),
        shipping_method_code=payload.shipping_method,
        utm_source=payload.utm_source,
        utm_medium=payload.utm_medium,
        language=request.LANGUAGE_CODE,
    )
    return Status(201, checkout)


@router.get(
    "/checkouts/{checkout_id}",
    auth=OPTIONAL_TOKEN,
    openapi_extra=OPTIONAL_TOKEN_DOC,
    response={200: CheckoutOut, 404: Error},
)
def get_checkout(request: CartRequest, checkout_id: str):
    """A guest's checkout is open to whoever holds its id; a customer's needs their token."""
    return selectors.checkout_for_viewer(checkout_id=checkout_id, viewer=_viewer(request))
