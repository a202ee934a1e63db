"""The pages a customer opens from a reminder, without logging in.

The recovery link (``recover``) restores the cart (``services.
recovery_link_open``) and hands it to the storefront through the cart
hand-off (``carts.resume``): this extension cannot set the storefront's
cart cookie, so it redirects to ``storefront:cart_resume`` with a
short-lived signed token, and the storefront gives the cart to the browser
and goes on to the checkout. A link that fails shows a page saying why
(tampered, expired, already used), changing nothing.

Unsubscribe is one click: opening the link (GET) unsubscribes, and so does
the POST a mail client sends for ``List-Unsubscribe-Post: One-Click``
(RFC 8058, no CSRF token then); both are idempotent. The page offers to undo
it (a normal, CSRF-protected form).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lojista.carts.resume import cart_resume_token
from lojista.customers.models import User

from .. import services
from ..errors import RecoveryLinkInvalid, UnsubscribeLinkInvalid

# A normal page each, with a status saying what went wrong.
LINK_STATUS = {"tampered": 400, "expired": 410, "used": 409}


def _customer(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@never_cache
@require_GET
def recover(request: HttpRequest, token: str) -> HttpResponse:
    try:
        opened = services.recovery_link_open(token=token, customer=_customer(request))
    except RecoveryLinkInvalid as error:
        reason = error.details.get("reason", "tampered")
        if reason not in LINK_STATUS:
            reason = "tampered"
        return render(
            request,
            "abandoned_checkouts/storefront/link_invalid.html",
            {"reason": reason},
            status=LINK_STATUS[reason],
        )
    hand_off = cart_resume_token(cart=opened.cart, checkout_id=opened.checkout_id)
    return redirect(reverse("storefront:cart_resume", args=[hand_off]))


def _unsubscribe_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "abandoned_checkouts/storefront/unsubscribe_invalid.html", status=400)


@never_cache
@csrf_exempt  # RFC 8058: a mail client's one-click POST carries no CSRF token; GET needs none.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = services.unsubscribe(token=token)
    except UnsubscribeLinkInvalid:
        return _unsubscribe_invalid(request)
    context = {"email": email, "token": token}
    return render(request, "abandoned_checkouts/storefront/unsubscribed.html", context)


@never_cache
@require_POST
def unsubscribe_undo(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email = services.resubscribe(token=token)
    except UnsubscribeLinkInvalid:
        return _unsubscribe_invalid(request)
    context = {"email": email, "token": token}
    return render(request, "abandoned_checkouts/storefront/resubscribed.html", context)
