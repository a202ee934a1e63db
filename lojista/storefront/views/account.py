"""The customer's account: register, log in and out, reset a forgotten
password by email, and My orders (each order's status as the merchant set
it, its tracking link, its printable invoice, and cancelling it while it is
pending).

Logging in and registering are ``carts.services.customer_session_login`` /
``customer_session_register``: the API's checks and rate limits, with the
guest cart of this browser merged into the account's (what the merge changed
is shown as messages). Anyone with an account may log in here, staff too:
they may shop as customers (decision 135). The orders are the API's
``orders.selectors.customer_order*``; another customer's order is a 404.
"""

from typing import Any

from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lojista.carts.services import CustomerLogin, customer_session_login, customer_session_register
from lojista.core.errors import DomainError, InvalidInput, Throttled
from lojista.core.forms import add_domain_error
from lojista.customers.errors import InvalidCredentials
from lojista.customers.models import User
from lojista.customers.password_pages import password_reset_confirm_page, password_reset_page
from lojista.orders.errors import OrderNotFound
from lojista.orders.invoice import TEMPLATE as INVOICE_TEMPLATE
from lojista.orders.invoice import address_lines, invoice_context
from lojista.orders.models import Fulfilment, Order, OrderStatus
from lojista.orders.selectors import Audience, customer_order, customer_order_page, order_timeline
from lojista.orders.services import order_cancel_by_customer
from lojista.orders.statuses import CUSTOMER_TRANSITIONS, allowed_transitions, status_label

from .. import cart_session
from ..account_forms import (
    CancelForm,
    LoginForm,
    RegisterForm,
)
from .language import safe_next

LOGIN_URL = "storefront:login"
ORDERS_PER_PAGE = 20
# Badge colour of each status on My orders (storefront.css: badge ok / warn / bad).
STATUS_BADGES: dict[str, str] = {
    OrderStatus.PENDING: "warn",
    OrderStatus.PROCESSED: "",
    OrderStatus.DELIVERED: "ok",
    OrderStatus.CANCELLED: "bad",
}

customer_required = login_required(login_url=LOGIN_URL)


def _customer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # behind customer_required
    return user


def _refused(request: HttpRequest, template: str, context: dict[str, Any], error: Throttled) -> HttpResponse:
    """A form refused by a rate limit or the login throttle: 429, and when to try again."""
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def _logged_in(request: HttpRequest, login: CustomerLogin) -> HttpResponse:
    """Where a customer goes once logged in: ``next`` or their account, with
    what merging the guest cart changed; the guest cart cookie is spent."""
    for message in login.messages:
        messages.info(request, message)
    response = HttpResponseRedirect(safe_next(request, reverse("storefront:account")))
    return cart_session.forget_cart(response)


def _next(request: HttpRequest) -> str:
    """The page to go back to after logging in, when the form was sent one."""
    return safe_next(request, "")


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request, reverse("storefront:account")))
    form = LoginForm(request.POST or None)
    context = {"form": form, "next": _next(request)}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            login = customer_session_login(
                request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                guest_cart_token=cart_session.guest_token(request),
            )
        except InvalidCredentials:
            form.add_error(None, _("The email or password is incorrect."))
            status = 401
        except Throttled as exc:
            form.add_error(None, str(exc.message))
            return _refused(request, "storefront/account/login.html", context, exc)
        else:
            return _logged_in(request, login)
    elif request.method == "POST":
        status = 400
    return render(request, "storefront/account/login.html", context, status=status)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request, reverse("storefront:account")))
    form = RegisterForm(request.POST or None)
    context = {"form": form, "next": _next(request)}
    if request.method == "POST" and form.is_valid():
        try:
            login = customer_session_register(
                request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                name=form.cleaned_data["name"].strip(),
                guest_cart_token=cart_session.guest_token(request),
            )
        except Throttled as exc:
            form.add_error(None, str(exc.message))
            return _refused(request, "storefront/account/register.html", context, exc)
        except DomainError as exc:
            if exc.code == "email_taken":
                form.add_error("email", str(exc.message))
            else:
                add_domain_error(form, exc)
        else:
            messages.success(request, _("Welcome! Your account is ready."))
            return _logged_in(request, login)
    status = 400 if form.errors else 200
    return render(request, "storefront/account/register.html", context, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Log out of this browser. The customer's cart stays with the account."""
    auth.logout(request)
    messages.success(request, _("You are logged out."))
    return redirect("storefront:home")


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a link to choose a new password."""
    return password_reset_page(
        request,
        template="storefront/account/password_reset.html",
        sent_template="storefront/account/password_reset_sent.html",
    )


@sensitive_post_parameters("new_password")
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Choose a new password with the emailed link (``core.links.password_reset_url``)."""
    return password_reset_confirm_page(
        request,
        uidb64=uidb64,
        token=token,
        template="storefront/account/password_reset_confirm.html",
        login_url=LOGIN_URL,
    )


@require_GET
@customer_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "storefront/account/account.html", {"customer": _customer(request)})


@require_GET
@customer_required
def orders(request: HttpRequest) -> HttpResponse:
    """The customer's orders, newest first, a page at a time (keyset: a
    ``cursor`` this page handed out; a bad one starts from the first page)."""
    cursor = request.GET.get("cursor") or None
    try:
        page = customer_order_page(customer=_customer(request), cursor=cursor, limit=ORDERS_PER_PAGE)
    except InvalidInput:
        return redirect("storefront:orders")
    context = {
        "orders": [(order, STATUS_BADGES.get(order.status, "")) for order in page.items],
        "next_url": f"{reverse('storefront:orders')}?cursor={page.next_cursor}" if page.next_cursor else None,
        "first_url": reverse("storefront:orders") if cursor else None,
    }
    return render(request, "storefront/account/orders.html", context)


def _own_order(request: HttpRequest, number: int) -> Order:
    """The customer's order ``number``; another's, or none, is a 404."""
    try:
        return customer_order(customer=_customer(request), number=number)
    except OrderNotFound as exc:
        raise Http404 from exc


def _order_page(
    request: HttpRequest, order: Order, cancel_form: CancelForm, status: int = 200
) -> HttpResponse:
    context = {
        "order": order,
        "badge": STATUS_BADGES.get(order.status, ""),
        "lines": list(order.lines.all()),
        "address": address_lines(order),
        "is_pickup": order.fulfilment == Fulfilment.PICKUP,
        "timeline": [
            (event, status_label(event.to_status) if event.to_status else "")
            for event in order_timeline(order=order, audience=Audience.CUSTOMER)
        ],
        "can_cancel": OrderStatus.CANCELLED in allowed_transitions(order.status, table=CUSTOMER_TRANSITIONS),
        "cancel_form": cancel_form,
    }
    return render(request, "storefront/account/order.html", context, status=status)


@require_GET
@customer_required
def order(request: HttpRequest, number: int) -> HttpResponse:
    return _order_page(request, _own_order(request, number), CancelForm())


@require_POST
@customer_required
def order_cancel(request: HttpRequest, number: int) -> HttpResponse:
    """Cancel the order while it is pending, once the customer confirmed."""
    order = _own_order(request, number)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, form, status=400)
    try:
        order_cancel_by_customer(order=order, customer=_customer(request))
    except OrderNotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        now = _own_order(request, number)
        if now.status != OrderStatus.CANCELLED:
            # The shop processed it meanwhile: the page shows its new status.
            messages.error(
                request, _("This order can no longer be cancelled: the shop has already processed it.")
            )
            return _order_page(request, now, CancelForm(), status=exc.status)
        # Already cancelled (the form sent twice): the same answer as the first time.
    messages.success(request, _("Order #%(number)s is cancelled.") % {"number": number})
    return redirect("storefront:order", number=number)


@require_GET
@customer_required
def order_invoice(request: HttpRequest, number: int) -> HttpResponse:
    """The order's printable invoice, the same as the back office's."""
    order = _own_order(request, number)
    back_url = reverse("storefront:order", args=[order.number])
    return render(request, INVOICE_TEMPLATE, invoice_context(order, back_url=back_url))
