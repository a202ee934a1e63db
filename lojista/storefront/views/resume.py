"""The cart hand-off (``carts.resume``): an app that restored a cart (the
abandoned-checkouts extension, from a reminder's link) redirects here with a
short-lived signed token, and this browser gets the cart: a guest's cookie
names it, a logged-in customer finds its lines in their own cart. Then on to
the checkout, prefilled from the checkout the token names, when the cart can
be bought as it is, else to the cart page (which shows what cannot be
bought now and why). A token that fails shows a page saying why; nothing is
changed then."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lojista.carts import resume
from lojista.carts.errors import CartResumeInvalid
from lojista.carts.selectors import cart_view
from lojista.customers.models import User

from ..cart_session import remember_cart
from .checkout import PREFILL


def _customer(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@require_GET
def cart_resume(request: HttpRequest, token: str) -> HttpResponse:
    customer = _customer(request)
    try:
        resumed = resume.cart_resume(token=token, customer=customer, language=request.LANGUAGE_CODE)
    except CartResumeInvalid as error:
        login_url = f"{reverse('storefront:login')}?{urlencode({'next': request.path})}"
        context = {"reason": error.reason, "login_url": login_url}
        return render(request, "storefront/cart/resume_invalid.html", context, status=400)
    cart = resumed.cart
    if resumed.checkout_id:
        request.session[PREFILL] = {"cart": cart.pk, "checkout": resumed.checkout_id}
    messages.success(request, _("Welcome back: your cart is restored."))
    response = redirect("storefront:checkout" if cart_view(cart=cart).checkoutable else "storefront:cart")
    return remember_cart(response, cart) if customer is None else response
