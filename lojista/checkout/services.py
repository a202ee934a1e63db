"""Writes of checkout: start one from a cart, hold its stock again before
payment, and outdate a cart's checkouts when the cart changes; and the
shipping zones and methods the owner edits (at the end).

``checkout_start`` cleans and checks what the customer typed (email,
address, country) itself, so that the API and a web form get the same
errors: ``InvalidInput`` naming each field as the API does
(``shipping_address.postal_code``).

Locks are always taken in the same order, cart row, then checkout rows, then
(inside inventory) stock rows, so a checkout and a cart change cannot deadlock.
A checkout's stock holds are keyed by its cart (``Checkout.reservation_key``):
the cart's view leaves them out, and a new checkout of the cart replaces them.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lojista.carts.models import Cart
from lojista.carts.selectors import ABOVE_MAX_PER_ORDER, CartView, cart_view, item_label
from lojista.catalog.models import copy_line
from lojista.checkout.errors import (
    CartNotCheckoutable,
    CheckoutCompleted,
    CheckoutExpired,
    CheckoutOutdated,
    PaymentInProgress,
)
from lojista.checkout.models import Checkout, CheckoutLine, ShippingMethod, ShippingZone
from lojista.checkout.selectors import method_serves, shipping_price
from lojista.checkout.signals import checkout_started
from lojista.core.countries import is_country_code
from lojista.core.errors import InvalidInput
from lojista.core.i18n import language_codes
from lojista.core.prefetch import remember_related
from lojista.core.selectors import checkout_hold_minutes
from lojista.customers.models import User
from lojista.inventory.errors import InsufficientStock
from lojista.inventory.services import stock_release, stock_reserve

# How long a payment attempt may keep a checkout to itself: longer than a
# provider takes to answer. An attempt that dies loses its claim when this
# runs out, and the next attempt reuses any payment it took.
PAYMENT_ATTEMPT_LEASE = timedelta(minutes=2)
# The longest Retry-After given while another attempt runs: most answer
# within seconds, and the client then learns the outcome.
RETRY_AFTER_SECONDS = 5


# The fields of a shipping address, and the longest text each may hold;
# those not in ADDRESS_REQUIRED may be blank. The country is a two-letter code.
ADDRESS_MAX_LENGTHS = {
    "name": 150,
    "line1": 200,
    "line2": 200,
    "city": 100,
    "postal_code": 20,
    "country": 2,
    "phone": 32,
}
ADDRESS_REQUIRED = frozenset({"name", "line1", "city", "postal_code", "country"})
# A pickup order is collected at the shop: the "address" is who collects it
# and how to reach them. Other address fields sent are dropped.
PICKUP_FIELDS = ("name", "phone")
PICKUP_REQUIRED = frozenset(PICKUP_FIELDS)
EMAIL_MAX_LENGTH = 254
UTM_MAX_LENGTH = 100


def _text(value: Any) -> str:
    """What the customer typed, without surrounding spaces; null is blank."""
    return "" if value is None else str(value).strip()


def _text_problems(value: str, *, required: bool, max_length: int) -> list[str]:
    if not value:
        return [str(forms.Field.default_error_messages["required"])] if required else []
    try:
        MaxLengthValidator(max_length)(value)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _email_problems(email: str) -> list[str]:
    problems = _text_problems(email, required=True, max_length=EMAIL_MAX_LENGTH)
    if problems:
        return problems
    try:
        validate_email(email)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _country_problems(country: str) -> list[str]:
    if len(country) == 2 and country.isascii() and country.isalpha():
        return []
    return [_("Enter a two-letter country code, such as PT.")]


def _address_clean(
    address: Mapping[str, Any], problems: dict[str, list[str]], *, pickup: bool = False
) -> dict[str, str]:
    """The address's known fields, stripped, the country upper-cased; what is
    wrong goes into ``problems`` under ``shipping_address.<field>``. For
    pickup, only the name and the phone, both required."""
    fields = PICKUP_FIELDS if pickup else tuple(ADDRESS_MAX_LENGTHS)
    required_fields = PICKUP_REQUIRED if pickup else ADDRESS_REQUIRED
    cleaned = {field: _text(address.get(field)) for field in fields}
    for field, value in cleaned.items():
        if field == "country":
            wrong = _country_problems(value)
        else:
            required = field in required_fields
            wrong = _text_problems(value, required=required, max_length=ADDRESS_MAX_LENGTHS[field])
        if wrong:
            problems[f"shipping_address.{field}"] = wrong
    if "country" in cleaned:
        cleaned["country"] = cleaned["country"].upper()
    return cleaned


@dataclass(frozen=True)
class _CheckoutInput:
    email: str
    address: dict[str, str]
    method: ShippingMethod | None  # the active method of that code, if any
    utm: dict[str, str]


def _checkout_input_clean(
    *,
    email: str,
    shipping_address: Mapping[str, Any],
    shipping_method_code: str,
    utm: Mapping[str, str | None],
) -> _CheckoutInput:
    """The input cleaned, or InvalidInput naming every field at fault. The
    address is checked as the chosen method needs it: a pickup method's
    (when the code names one) wants just a name and a phone."""
    problems: dict[str, list[str]] = {}
    email = _text(email)
    if wrong := _email_problems(email):
        problems["email"] = wrong
    code = _text(shipping_method_code)
    method = _active_method(code) if code else None
    address = _address_clean(shipping_address, problems, pickup=method is not None and method.is_pickup)
    if not code:
        problems["shipping_method"] = [str(forms.Field.default_error_messages["required"])]
    cleaned_utm = {field: _text(value) for field, value in utm.items()}
    for field, value in cleaned_utm.items():
        if wrong := _text_problems(value, required=False, max_length=UTM_MAX_LENGTH):
            problems[field] = wrong
    if problems:
        raise InvalidInput(details={"fields": problems})
    return _CheckoutInput(
        email=BaseUserManager.normalize_email(email),
        address=address,
        method=method,
        utm=cleaned_utm,
    )


def _hold_until() -> datetime:
    return timezone.now() + timedelta(minutes=checkout_hold_minutes())


def _active_method(code: str) -> ShippingMethod | None:
    return ShippingMethod.objects.select_related("zone").filter(code=code, is_active=True).first()


def _shipping_method(*, method: ShippingMethod | None, country: str) -> ShippingMethod:
    """The active method chosen, if it serves ``country`` (a pickup method
    serves every customer: they come to the shop); InvalidInput otherwise."""
    if method is None:
        problem = _("There is no shipping method with this code.")
    elif not method_serves(method, country):
        problem = _("This shipping method is not available for %(country)s.") % {"country": country}
    else:
        return method
    raise InvalidInput.field("shipping_method", problem)


def _lock_open_cart(cart: Cart) -> None:
    """Lock the cart row, which serialises a checkout with changes of the
    cart's lines and with another checkout of it, and record activity."""
    if not Cart.objects.filter(pk=cart.pk, status=Cart.Status.OPEN).update(updated_at=timezone.now()):
        raise CartNotCheckoutable(
            [], message=_("This cart is closed: it was merged into another cart or checked out.")
        )


def _checkoutable_view(cart: Cart) -> CartView:
    """The cart as it can be bought now, or CartNotCheckoutable naming the lines at fault."""
    view = cart_view(cart=cart)
    if view.checkoutable:
        return view
    at_fault = [
        {"line_id": line.id, "variant_id": line.variant_id, "problem": line.problem}
        for line in view.lines
        if not line.available
    ]
    over_limit = [
        _("%(item)s: %(message)s")
        % {"item": item_label(line.product_name, line.variant_name), "message": line.message}
        for line in view.lines
        if line.problem == ABOVE_MAX_PER_ORDER
    ]
    message: str | None = None if at_fault else _("Your cart is empty.")
    if over_limit:
        message = _("Lower the quantity to check out. %(problems)s.") % {"problems": "; ".join(over_limit)}
    raise CartNotCheckoutable(at_fault, message=message)


def _outdate_open_checkouts(cart: Cart) -> int:
    return Checkout.objects.filter(cart=cart, status=Checkout.Status.OPEN).update(
        status=Checkout.Status.OUTDATED, updated_at=timezone.now()
    )


def _remember_lines(checkout: Checkout, lines: list[CheckoutLine]) -> None:
    """Keep the lines just written as ``checkout.lines``, as prefetch_related
    would, so that answering the new checkout reads nothing back (issue 14).
    Lines without their primary key (a database that does not return it from
    a bulk insert) are read back as before."""
    if any(line.pk is None for line in lines):
        return
    remember_related(checkout, lines=lines)


def _snapshot_lines(checkout: Checkout, view: CartView) -> list[CheckoutLine]:
    return CheckoutLine.objects.bulk_create(
        copy_line(line, CheckoutLine, checkout=checkout) for line in view.lines
    )


@transaction.atomic
def checkout_start(
    *,
    cart: Cart,
    customer: User | None,
    email: str,
    shipping_address: Mapping[str, Any],
    shipping_method_code: str,
    utm_source: str | None = "",
    utm_medium: str | None = "",
    language: str = "",
) -> Checkout:
    """Price the cart as it can be bought now (a line short of stock buys what
    is left) and hold its stock until ``expires_at``. The cart's earlier open
    checkouts are outdated and their holds replaced.

    The input is taken as typed: text is stripped, null is blank, the email's
    domain is lower-cased and the country upper-cased; only the address's
    known fields are kept (for a pickup method, just ``name`` and ``phone``,
    both required). Raises InvalidInput naming every field at fault
    (``email``, ``shipping_address.<field>``, ``utm_source``...), then for a
    method that does not serve the address; CartNotCheckoutable; or
    InsufficientStock when another buyer took the units meanwhile. Each
    leaves nothing behind."""
    given = _checkout_input_clean(
        email=email,
        shipping_address=shipping_address,
        shipping_method_code=shipping_method_code,
        utm={"utm_source": utm_source, "utm_medium": utm_medium},
    )
    method = _shipping_method(method=given.method, country=given.address.get("country", ""))
    _lock_open_cart(cart)
    view = _checkoutable_view(cart)
    _outdate_open_checkouts(cart)
    shipping = shipping_price(method=method, subtotal=view.subtotal)
    checkout = Checkout.objects.create(
        cart=cart,
        # A customer's cart makes a customer's checkout even when the caller names no one.
        customer_id=customer.pk if customer is not None else cart.customer_id,
        email=given.email,
        shipping_address=given.address,
        shipping_method=method,
        currency=view.currency,
        subtotal=view.subtotal,
        shipping_price=shipping,
        total=view.subtotal + shipping,
        language=language,
        expires_at=_hold_until(),
        **given.utm,
    )
    _remember_lines(checkout, _snapshot_lines(checkout, view))
    # Last, so that the stock rows, which every buyer contends for, stay locked
    # for the shortest time.
    stock_reserve(
        key=checkout.reservation_key,
        items={line.variant_id: line.quantity for line in view.lines if line.variant_id is not None},
        expires_at=checkout.expires_at,
    )
    checkout_started.send(sender=Checkout, checkout=checkout)
    return checkout


def _lines_of_deleted_variants(lines: list[CheckoutLine]) -> list[dict[str, Any]]:
    """Lines whose variant was deleted since the checkout started: they cannot be sold."""
    return [
        {"variant_id": None, "sku": line.sku, "requested": line.quantity, "available": 0}
        for line in lines
        if line.variant_id is None
    ]


def _claimable(attempt_key: str, now: datetime) -> Q:
    """A checkout the attempt ``attempt_key`` may claim: nobody's, already
    its own (a retry with the same key), or left by an attempt whose lease
    ran out. checkout_hold_stock says the same of a locked row."""
    return Q(payment_attempt_key="") | Q(payment_attempt_key=attempt_key) | Q(payment_attempt_until__lte=now)


def _in_progress(until: datetime, now: datetime) -> PaymentInProgress:
    remaining = (until - now).total_seconds()
    return PaymentInProgress(retry_after=max(1, min(RETRY_AFTER_SECONDS, math.ceil(remaining))))


def checkout_claim_for_payment(*, checkout: Checkout, attempt_key: str) -> None:
    """Claim the open checkout for the payment attempt ``attempt_key`` for
    PAYMENT_ATTEMPT_LEASE, with its stock held for at least that long, before
    the provider is called: one attempt at a time per checkout. The database
    decides, with a conditional UPDATE of the checkout row, so two requests
    racing with different keys cannot both win, on SQLite or PostgreSQL.

    Usually the hold taken when the checkout started still has time to run,
    and claiming is that one UPDATE; otherwise the claim and a new hold are
    one transaction (checkout_hold_stock). Raises PaymentInProgress when
    another attempt holds the claim, and what checkout_hold_stock raises."""
    now = timezone.now()
    if _lines_of_deleted_variants(list(checkout.lines.all())):
        claimed = 0  # checkout_hold_stock refuses it
    else:
        claimed = Checkout.objects.filter(
            _claimable(attempt_key, now),
            pk=checkout.pk,
            status=Checkout.Status.OPEN,
            expires_at__gt=now + PAYMENT_ATTEMPT_LEASE,
        ).update(
            payment_attempt_key=attempt_key, payment_attempt_until=now + PAYMENT_ATTEMPT_LEASE, updated_at=now
        )
    if not claimed:
        checkout_hold_stock(checkout=checkout, attempt_key=attempt_key)


def checkout_release_claim(*, checkout: Checkout, attempt_key: str) -> None:
    """The attempt ``attempt_key`` is over without an order (declined, waiting
    for the customer's 3-D Secure, refused): another attempt may start."""
    Checkout.objects.filter(pk=checkout.pk, payment_attempt_key=attempt_key).update(
        payment_attempt_key="", updated_at=timezone.now()
    )


@transaction.atomic
def checkout_hold_stock(*, checkout: Checkout, attempt_key: str | None = None) -> None:
    """Hold the checkout's lines for another checkout_hold_minutes(), moving
    ``expires_at``, and with ``attempt_key`` claim the checkout for that
    payment attempt in the same transaction. Raises CheckoutCompleted or
    CheckoutOutdated for a checkout that is no longer open, PaymentInProgress
    while another attempt holds the claim; when the units are short,
    CheckoutExpired if its hold had run out (someone else bought them) or
    InsufficientStock."""
    locked = Checkout.objects.select_for_update().get(pk=checkout.pk)
    if locked.status == Checkout.Status.COMPLETED:
        raise CheckoutCompleted()
    if locked.status == Checkout.Status.OUTDATED:
        raise CheckoutOutdated()
    now = timezone.now()
    update_fields = ["expires_at", "updated_at"]
    if attempt_key is not None:
        held_by = locked.payment_attempt_key
        until = locked.payment_attempt_until
        if held_by not in ("", attempt_key) and until is not None and until > now:
            raise _in_progress(until, now)
        locked.payment_attempt_key = attempt_key
        locked.payment_attempt_until = now + PAYMENT_ATTEMPT_LEASE
        update_fields += ["payment_attempt_key", "payment_attempt_until"]
    short_error = CheckoutExpired if locked.is_expired else InsufficientStock
    lines = list(locked.lines.all())
    gone = _lines_of_deleted_variants(lines)
    if gone:
        raise short_error(gone)
    expires_at = _hold_until()
    try:
        stock_reserve(
            key=locked.reservation_key,
            items={line.variant_id: line.quantity for line in lines if line.variant_id is not None},
            expires_at=expires_at,
        )
    except InsufficientStock as exc:
        if short_error is InsufficientStock:
            raise
        raise CheckoutExpired(exc.details["lines"]) from exc
    locked.expires_at = expires_at
    locked.save(update_fields=update_fields)
    checkout.expires_at = expires_at


# savepoint=False: run inside the cart change's transaction, it needs no
# savepoint of its own (a failure rolls the whole change back), so a change
# of a cart without an open checkout costs one query more, not three.
@transaction.atomic(savepoint=False)
def checkouts_outdate(*, cart: Cart) -> int:
    """The cart changed, so its open checkouts no longer say what it holds:
    outdate them and drop their stock holds. Returns how many were outdated."""
    outdated = _outdate_open_checkouts(cart)
    if outdated:
        # Keyed by the cart, as Checkout.reservation_key is.
        stock_release(key=f"cart:{cart.pk}")
    return outdated


# Shipping zones and methods, as the owner edits them (the back office).
TRANSLATED_METHOD_FIELDS = ("name", "description")


def _max_length(model: type[models.Model], field: str) -> int:
    return getattr(model._meta.get_field(field), "max_length", None) or 0


def _zone_problems(name: str, countries: list[str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if wrong := _text_problems(name, required=True, max_length=_max_length(ShippingZone, "name")):
        problems["name"] = wrong
    unknown = [code for code in countries if not is_country_code(code)]
    if unknown:
        message = _("Not a two-letter ISO country code: %(codes)s.") % {"codes": ", ".join(unknown)}
        problems["countries"] = [message]
    return problems


@transaction.atomic
def shipping_zone_save(*, zone: ShippingZone | None = None, name: str, countries: list[str]) -> ShippingZone:
    """Create a zone, or change ``zone``: its name and the countries (ISO
    3166-1 alpha-2, stored in capitals, each once) its delivery methods serve.
    A zone of pickup methods only may list none."""
    name = _text(name)
    codes = list(dict.fromkeys(_text(code).upper() for code in countries if _text(code)))
    if problems := _zone_problems(name, codes):
        raise InvalidInput(details={"fields": problems})
    zone = zone or ShippingZone()
    zone.name, zone.countries = name, codes
    zone.save()
    return zone


def _method_translations(translations: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The translations as stored: languages the shop speaks, name and
    description only, empty texts dropped."""
    stored: dict[str, dict[str, str]] = {}
    for language, texts in translations.items():
        if language not in language_codes():
            message = _("Unknown language: %(language)s.") % {"language": language}
            raise InvalidInput.field("translations", message)
        kept = {
            field: _text(texts.get(field)) for field in TRANSLATED_METHOD_FIELDS if _text(texts.get(field))
        }
        if kept:
            stored[language] = kept
    return stored


def _translation_problems(translations: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Each translated text checked against its field's length, named
    ``translations.<language>.<field>``."""
    problems: dict[str, list[str]] = {}
    for language, texts in translations.items():
        for field, text in texts.items():
            max_length = _max_length(ShippingMethod, field)
            if wrong := _text_problems(text, required=False, max_length=max_length):
                problems[f"translations.{language}.{field}"] = wrong
    return problems


def _money_problems(method: ShippingMethod) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if method.price is not None and method.price < 0:
        problems["price"] = [_("Enter zero or more.")]
    if method.free_above is not None and method.free_above < 0:
        problems["free_above"] = [_("Enter zero or more.")]
    return problems


@transaction.atomic
def shipping_method_save(
    *,
    method: ShippingMethod | None = None,
    zone: ShippingZone,
    code: str,
    name: str,
    description: str = "",
    translations: Mapping[str, Mapping[str, str]] | None = None,
    kind: str = ShippingMethod.Kind.DELIVERY,
    price: Decimal,
    free_above: Decimal | None = None,
    is_active: bool = True,
    pickup_location: str = "",
    pickup_details: str = "",
) -> ShippingMethod:
    """Create a method in ``zone``, or change ``method``. The model's own
    rules (a unique slug code, lengths, a pickup method's location) and the
    prices are checked, each problem named by its field."""
    method = method or ShippingMethod()
    method.zone = zone
    method.code, method.name, method.description = _text(code), _text(name), _text(description)
    method.translations = _method_translations(translations or {})
    method.kind, method.price, method.free_above, method.is_active = kind, price, free_above, is_active
    method.pickup_location, method.pickup_details = _text(pickup_location), _text(pickup_details)
    problems = {**_money_problems(method), **_translation_problems(method.translations)}
    try:
        method.full_clean(exclude=["zone"], validate_constraints=False)
    except ValidationError as exc:
        problems = {**exc.message_dict, **problems}
    if problems:
        raise InvalidInput(details={"fields": problems})
    method.save()
    return method


@transaction.atomic
def shipping_method_set_active(*, method: ShippingMethod, is_active: bool) -> ShippingMethod:
    """Offer ``method`` at checkout again, or stop offering it (deactivated,
    never deleted: past checkouts and orders name it)."""
    method.is_active = is_active
    method.save(update_fields=["is_active"])
    return method
