"""Checkout, payment and the confirmation page: the same services as the
JSON API (``checkout.services.checkout_start``, ``orders.completion.
checkout_complete``), with the same rate limits.

Step 1 (``/checkout/``) takes the email, the address and the shipping method
and starts a checkout of the browser's cart; step 2 (``/checkout/<id>/pay/``)
shows the server's totals and takes the payment. The checkout ids a browser
started and the order numbers it placed are kept in its session: a guest's
checkout and confirmation are shown only to the browser that made them (a
customer's also to the customer, from anywhere). The Pay form carries an
Idempotency-Key made when the page was drawn, so a double click pays once.
"""

import uuid
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from lojista.carts.models import Cart
from lojista.carts.selectors import cart_view
from lojista.checkout.errors import (
    CartNotCheckoutable,
    CheckoutCompleted,
    CheckoutExpired,
    CheckoutNotFound,
    CheckoutOutdated,
    PaymentInProgress,
)
from lojista.checkout.models import Checkout
from lojista.checkout.payment_methods import offered_payment_methods
from lojista.checkout.selectors import (
    ShippingOption,
    checkout_email,
    checkout_for_viewer,
    shipping_options_for_cart,
)
from lojista.checkout.services import ADDRESS_MAX_LENGTHS, EMAIL_MAX_LENGTH, checkout_start
from lojista.core.countries import COUNTRIES, country_name
from lojista.core.errors import InvalidInput
from lojista.core.forms import add_domain_error
from lojista.core.ratelimit import RateLimited, rate_limit
from lojista.core.security_headers import csp_allow_stripe
from lojista.customers.models import User
from lojista.inventory.errors import InsufficientStock
from lojista.notifications.selectors import offline_payment_instructions
from lojista.orders.completion import checkout_complete
from lojista.orders.errors import OrderNotFound
from lojista.orders.selectors import placed_order
from lojista.payments.errors import IdempotencyKeyReused, PaymentDeclined, PaymentGatewayUnavailable
from lojista.payments.models import Payment

from ..cart_session import current_cart, forget_cart
from ..middleware import landing_source

# Session keys: the checkouts this browser started, the orders it placed.
CHECKOUTS = "storefront_checkouts"
ORDERS = "storefront_orders"
KEEP = 20  # the latest ones are enough
# The checkout a restored cart came from, to prefill step 1 with: {"cart": id,
# "checkout": id}, set by the cart hand-off (views.resume).
PREFILL = "storefront_checkout_prefill"
TEST_TOKEN = "tok_visa"


def _customer(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _remember(request: HttpRequest, key: str, value: Any) -> None:
    kept = [item for item in request.session.get(key, []) if item != value]
    request.session[key] = [*kept, value][-KEEP:]


# Step 1: who, where to, how -------------------------------------------------


def _country_choices() -> list[tuple[str, str]]:
    names = sorted(((code, country_name(code)) for code in COUNTRIES), key=lambda item: item[1])
    return [("", _("Choose a country")), *names]


class CheckoutForm(forms.Form):
    """What the customer types. Nothing is required here: the service checks
    it all (a pickup needs only a name and a phone) and its errors are shown
    beside these fields."""

    email = forms.CharField(
        label=gettext_lazy("Email"),
        max_length=EMAIL_MAX_LENGTH,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=ADDRESS_MAX_LENGTHS["name"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    line1 = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=ADDRESS_MAX_LENGTHS["line1"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    line2 = forms.CharField(
        label=gettext_lazy("Address line 2 (optional)"),
        max_length=ADDRESS_MAX_LENGTHS["line2"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label=gettext_lazy("City"),
        max_length=ADDRESS_MAX_LENGTHS["city"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    postal_code = forms.CharField(
        label=gettext_lazy("Postal code"),
        max_length=ADDRESS_MAX_LENGTHS["postal_code"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        required=False,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=ADDRESS_MAX_LENGTHS["phone"],
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    shipping_method = forms.CharField(required=False, max_length=50)

    ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postal_code", "country", "phone")

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices()  # type: ignore[attr-defined]

    def country_value(self) -> str:
        """The country as sent (or first shown), for listing the methods."""
        value = self.data.get("country") if self.is_bound else self.initial.get("country")
        return str(value or "").strip().upper()

    def method_value(self) -> str:
        value = self.data.get("shipping_method") if self.is_bound else self.initial.get("shipping_method")
        return str(value or "")


def _typed_in(checkout: Checkout) -> dict[str, Any]:
    return {
        "email": checkout.email,
        **checkout.shipping_address,
        "shipping_method": checkout.shipping_method.code,
    }


def _initial(request: HttpRequest, cart: Cart) -> dict[str, Any]:
    """What the form starts with: what this browser typed for this cart's
    last checkout (coming back from step 2), else what was typed in the
    checkout a restored cart comes from (``PREFILL``), else the account's
    email."""
    customer = _customer(request)
    for checkout_id in reversed(request.session.get(CHECKOUTS, [])):
        try:
            checkout = checkout_for_viewer(checkout_id=checkout_id, viewer=customer)
        except CheckoutNotFound:
            continue
        if checkout.cart_id == cart.pk:
            return _typed_in(checkout)
        break
    prefill = _prefill(request, cart, customer)
    if prefill:
        return prefill
    return {"email": customer.email if customer is not None else ""}


def _prefill(request: HttpRequest, cart: Cart, customer: User | None) -> dict[str, Any]:
    """The restored cart's checkout as typed then (``PREFILL``, set by the
    cart hand-off): a guest's checkout for whoever follows the link, as a
    guest checkout is open to whoever holds its id; a customer's only for
    that customer logged in — anyone else gets its email alone, the address
    the reminder was sent to."""
    remembered = request.session.get(PREFILL)
    if not isinstance(remembered, dict) or remembered.get("cart") != cart.pk:
        return {}
    try:
        return _typed_in(checkout_for_viewer(checkout_id=remembered.get("checkout", ""), viewer=customer))
    except CheckoutNotFound:
        pass
    if customer is not None:
        return {}
    return {"email": checkout_email(checkout_id=remembered.get("checkout", ""))}


def _not_checkoutable(request: HttpRequest, message: Any) -> HttpResponse:
    messages.warning(request, str(message))
    return redirect("storefront:cart")


def _cart_to_check_out(request: HttpRequest) -> tuple[Cart | None, str]:
    """The browser's cart if it can be bought now, else why not."""
    cart = current_cart(request)
    if cart is None:
        return None, _("Your cart is empty.")
    view = cart_view(cart=cart)
    if not view.lines:
        return None, _("Your cart is empty.")
    if not view.checkoutable:
        return None, _("Some items in your cart cannot be bought now. Review your cart to check out.")
    return cart, ""


def _methods(form: CheckoutForm, cart: Cart) -> list[ShippingOption]:
    return shipping_options_for_cart(country=form.country_value() or None, cart=cart)


def _step1(request: HttpRequest, form: CheckoutForm, cart: Cart, status: int = 200) -> HttpResponse:
    return render(
        request,
        "storefront/checkout/checkout.html",
        {
            "form": form,
            "methods": _methods(form, cart),
            "chosen_method": form.method_value(),
            "cart": cart_view(cart=cart),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    """Step 1. "Update shipping methods" (``update``) redraws the form with
    the methods of the country chosen; otherwise a POST starts the checkout."""
    cart, reason = _cart_to_check_out(request)
    if cart is None:
        return _not_checkoutable(request, reason)
    if request.method == "GET":
        return _step1(request, CheckoutForm(initial=_initial(request, cart)), cart)
    form = CheckoutForm(request.POST)
    if "update" in request.POST or not form.is_valid():
        return _step1(request, form, cart, status=200 if "update" in request.POST else 400)
    data = form.cleaned_data
    customer = _customer(request)
    try:
        rate_limit(request, "checkout_start", cart=cart.token, email=data["email"])
        started = checkout_start(
            cart=cart,
            customer=customer,
            email=data["email"],
            shipping_address={field: data[field] for field in CheckoutForm.ADDRESS_FIELDS},
            shipping_method_code=data["shipping_method"],
            language=request.LANGUAGE_CODE,
            **landing_source(request),
        )
    except InvalidInput as error:
        add_domain_error(form, error, prefix="shipping_address.")
        return _step1(request, form, cart, status=400)
    except RateLimited as error:
        form.add_error(None, _too_many(error))
        return _step1(request, form, cart, status=429)
    except (CartNotCheckoutable, InsufficientStock) as error:
        return _not_checkoutable(request, error.message)
    _remember(request, CHECKOUTS, str(started.pk))
    return redirect("storefront:checkout_pay", checkout_id=started.pk)


@require_GET
def shipping_methods(request: HttpRequest) -> HttpResponse:
    """The methods for the country chosen, as step 1 shows them: what the
    country select swaps in with HTMX."""
    cart = current_cart(request)
    form = CheckoutForm(request.GET)
    methods = _methods(form, cart) if cart is not None else []
    return render(
        request,
        "storefront/checkout/_methods.html",
        {"methods": methods, "chosen_method": form.method_value()},
    )


def _too_many(error: RateLimited) -> str:
    return _("Too many attempts. Wait %(seconds)s seconds and try again.") % {"seconds": error.retry_after}


# Step 2: pay ----------------------------------------------------------------


METHOD_LABELS: dict[str, Any] = {
    Payment.Gateway.OFFLINE: gettext_lazy("Pay later: bank transfer or on delivery"),
    Payment.Gateway.TEST: gettext_lazy("Test card (demo: no money moves)"),
    Payment.Gateway.STRIPE: gettext_lazy("Card"),
}


class PayForm(forms.Form):
    payment_method = forms.ChoiceField(label=gettext_lazy("Payment method"), widget=forms.RadioSelect)
    payment_token = forms.CharField(
        label=gettext_lazy("Test card token"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("tok_visa pays; tok_chargeDeclined is declined."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        offered = _offered_here()
        choices = [(code, METHOD_LABELS.get(code, code)) for code in offered]
        self.fields["payment_method"].choices = choices  # type: ignore[attr-defined]
        if Payment.Gateway.TEST not in offered:
            # Stripe's PaymentMethod id, which checkout-stripe.js fills in.
            self.fields["payment_token"].widget = forms.HiddenInput()


def _offered_here() -> list[str]:
    """The checkout's payment methods that this page can take: a card through
    Stripe needs the publishable key too, for Stripe.js to read the card."""
    return [
        code
        for code in offered_payment_methods()
        if code != Payment.Gateway.STRIPE or settings.STRIPE_PUBLISHABLE_KEY
    ]


def _new_pay_form(data: Mapping[str, Any] | None = None) -> PayForm:
    """A fresh form: a new Idempotency-Key, a new payment attempt."""
    offered = _offered_here()
    initial = {
        "payment_method": offered[0] if len(offered) == 1 else "",
        "payment_token": TEST_TOKEN,
        "idempotency_key": str(uuid.uuid4()),
    }
    if data is not None:
        initial.update({key: data[key] for key in ("payment_method", "payment_token") if key in data})
    return PayForm(initial=initial)


def _own_checkout(request: HttpRequest, checkout_id: UUID) -> Checkout:
    """The checkout if this browser started it (or it is the customer's)."""
    customer = _customer(request)
    try:
        found = checkout_for_viewer(checkout_id=checkout_id, viewer=customer)
    except CheckoutNotFound:
        raise Http404() from None
    mine = customer is not None and found.customer_id == customer.pk
    if not mine and str(checkout_id) not in request.session.get(CHECKOUTS, []):
        raise Http404()
    return found


def _step2(
    request: HttpRequest, found: Checkout, form: PayForm, status: int = 200, problem: str = ""
) -> HttpResponse:
    offered = _offered_here()
    stripe = Payment.Gateway.STRIPE in offered
    return render(
        request,
        "storefront/checkout/pay.html",
        {
            "checkout": found,
            "lines": list(found.lines.all()),
            "address_country": country_name(found.shipping_address.get("country", "")),
            "form": form,
            "problem": problem,
            "offline_instructions": (
                offline_payment_instructions() if Payment.Gateway.OFFLINE in offered else ""
            ),
            "stripe_key": settings.STRIPE_PUBLISHABLE_KEY if stripe else "",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@csp_allow_stripe
def pay(request: HttpRequest, checkout_id: UUID) -> HttpResponse:
    found = _own_checkout(request, checkout_id)
    if found.status == Checkout.Status.OUTDATED:
        messages.warning(request, str(CheckoutOutdated.default_message))
        return redirect("storefront:checkout")
    if found.status == Checkout.Status.COMPLETED:
        return _completed(request, found)
    if request.method == "GET":
        return _step2(request, found, _new_pay_form())
    form = PayForm(request.POST)
    if not form.is_valid():
        return _step2(request, found, form, status=400)
    data = form.cleaned_data
    method = data["payment_method"]
    token = data.get("payment_token") or None if method != Payment.Gateway.OFFLINE else None
    try:
        rate_limit(request, "checkout_complete", checkout=str(found.pk))
        result = checkout_complete(
            checkout=found,
            payment_method=method,
            payment_token=token,
            idempotency_key=data["idempotency_key"],
        )
    except InvalidInput as error:
        add_domain_error(form, error)
        return _step2(request, found, form, status=400)
    except (PaymentDeclined, IdempotencyKeyReused) as error:
        # Another try is another attempt: a new key, the choices kept.
        again = _new_pay_form(request.POST)
        status = 402 if isinstance(error, PaymentDeclined) else 400
        return _step2(request, found, again, status=status, problem=str(error.message))
    except (PaymentInProgress, PaymentGatewayUnavailable, RateLimited) as error:
        # The same attempt may be sent again as it is (same key).
        message = _too_many(error) if isinstance(error, RateLimited) else str(error.message)
        form.add_error(None, message)
        return _step2(request, found, form, status=error.status)
    except CheckoutOutdated as error:
        messages.warning(request, str(error.message))
        return redirect("storefront:checkout")
    except (CheckoutExpired, InsufficientStock) as error:
        messages.warning(request, str(error.message))
        return redirect("storefront:cart")
    except CheckoutCompleted:
        return _completed(request, found)
    if result.order is None:
        context = {
            "checkout": found,
            "client_secret": result.payment.client_secret,
            "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
        }
        return render(request, "storefront/checkout/awaiting.html", context, status=202)
    _remember(request, ORDERS, result.order.number)
    response = redirect("storefront:confirmation", number=result.order.number)
    # A guest's cart became the order: its cookie names nothing now.
    return forget_cart(response) if _customer(request) is None else response


def _completed(request: HttpRequest, found: Checkout) -> HttpResponse:
    """A checkout already paid for (by this browser: ``_own_checkout`` said
    so), perhaps by Stripe's webhook after 3-D Secure: its confirmation."""
    order = getattr(found, "order", None)
    if order is None:
        messages.info(request, str(CheckoutCompleted.default_message))
        return redirect("storefront:cart")
    _remember(request, ORDERS, order.number)
    return redirect("storefront:confirmation", number=order.number)


# The confirmation ------------------------------------------------------------


def _placed_here(request: HttpRequest) -> list[int]:
    return [number for number in request.session.get(ORDERS, []) if isinstance(number, int)]


@require_GET
def confirmation(request: HttpRequest, number: int) -> HttpResponse:
    try:
        order = placed_order(number=number, viewer=_customer(request), placed_here=_placed_here(request))
    except OrderNotFound:
        raise Http404() from None
    offline = order.payment_method == Payment.Gateway.OFFLINE
    return render(
        request,
        "storefront/checkout/confirmation.html",
        {
            "order": order,
            "lines": list(order.lines.all()),
            "address_country": country_name(order.shipping_address.get("country", "")),
            "payment_instructions": offline_payment_instructions() if offline else "",
        },
    )
