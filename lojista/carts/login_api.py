"""Logging in, which takes the guest's cart along: ``POST /auth/login``.

It lives in carts rather than customers because it merges the guest cart into
the customer's and answers with the cart: customers sits below carts and
never imports it (docs/architecture.md, "Apps and the direction of
dependencies"; the same reason puts checkout completion in orders).
"""

from django.http import HttpRequest
from ninja import Router

from lojista.carts.services import cart_for_customer, cart_merge_into_customer
from lojista.core.http import client_address
from lojista.core.ratelimit import rate_limit
from lojista.core.schemas import Error
from lojista.customers import services
from lojista.customers.schemas import LoginIn, LoginOut

router = Router(tags=["accounts"])


@router.post("/auth/login", response={200: LoginOut, 401: Error, 422: Error, 429: Error})
def login(request: HttpRequest, payload: LoginIn):
    rate_limit(request, "login", email=payload.email)
    user, token = services.customer_login(
        email=payload.email, password=payload.password, client_address=client_address(request)
    )
    language = request.LANGUAGE_CODE
    messages = (
        cart_merge_into_customer(guest_token=payload.cart_token, customer=user, language=language)
        if payload.cart_token
        else []
    )
    cart = cart_for_customer(customer=user, language=language)
    return {"token": token, "customer": user, "cart_token": cart.token, "messages": messages}
