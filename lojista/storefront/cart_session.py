"""Which cart a browser holds: the same server cart as the API's.

A guest's cart is named by its token in a long-lived, HttpOnly, SameSite
cookie; a logged-in customer's cart follows the account (their open cart),
and the guest cart is merged into it at login (``carts.services.
customer_session_login``). A cookie that names no open cart the visitor may
see (tampered, expired, another customer's, or a cart that became an order)
is ignored: the visitor starts a fresh cart, never an error.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from lojista.carts.errors import CartNotFound
from lojista.carts.models import Cart
from lojista.carts.selectors import cart_for_viewer
from lojista.carts.services import cart_create, cart_for_customer
from lojista.customers.models import User

COOKIE = "lojista_cart"


def _customer(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def guest_token(request: HttpRequest) -> str | None:
    """The guest cart token the cookie carries, as sent (unchecked)."""
    return request.COOKIES.get(COOKIE) or None


_REMEMBERED = "_storefront_cart"


def current_cart(request: HttpRequest) -> Cart | None:
    """The open cart this browser holds now, or None (nothing created). Read
    once per request: the page and its header ask for the same cart."""
    if not hasattr(request, _REMEMBERED):
        setattr(request, _REMEMBERED, _find_cart(request))
    return getattr(request, _REMEMBERED)


def _find_cart(request: HttpRequest) -> Cart | None:
    customer = _customer(request)
    if customer is not None:
        return Cart.objects.filter(customer=customer, status=Cart.Status.OPEN).first()
    token = guest_token(request)
    if not token:
        return None
    try:
        cart = cart_for_viewer(token=token, viewer=None)
    except CartNotFound:
        return None
    return cart if cart.status == Cart.Status.OPEN else None


def cart_to_fill(request: HttpRequest) -> Cart:
    """The open cart to add to: the current one, else a new one (a guest's
    must then be remembered with ``remember_cart`` on the response)."""
    customer = _customer(request)
    if customer is not None:
        cart = cart_for_customer(customer=customer, language=request.LANGUAGE_CODE)
    else:
        cart = current_cart(request) or cart_create(language=request.LANGUAGE_CODE)
    setattr(request, _REMEMBERED, cart)
    return cart


def remember_cart(response: HttpResponse, cart: Cart) -> HttpResponse:
    """Keep a guest ``cart`` in this browser for as long as a guest cart lives."""
    if cart.customer_id is None:
        response.set_cookie(
            COOKIE,
            cart.token,
            max_age=settings.LOJISTA_CART_TTL_GUEST_DAYS * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def forget_cart(response: HttpResponse) -> HttpResponse:
    """After a login merged it, or an order closed it: the cookie is useless."""
    response.delete_cookie(COOKIE, samesite="Lax")
    return response
