"""Writes of carts: create, add/change/remove lines, show, merge on login
(with the login itself: the API's token and the web's session), expire.

Every change of a cart's lines first locks the cart row (an UPDATE of its
last-activity time, which also checks that it is still open), so two taps on
"add" at once are serialised and neither is lost.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojista.carts.errors import AboveMaxPerOrder, CartClosed, CartLineNotFound
from lojista.carts.models import Cart, CartLine, is_cart_token_shaped
from lojista.carts.selectors import PRICE_CHANGED, CartView, cart_view, item_label
from lojista.carts.signals import cart_changed
from lojista.catalog.models import Variant
from lojista.core.errors import InvalidInput
from lojista.customers.models import User
from lojista.customers.services import customer_login
from lojista.customers.web import session_login, session_register
from lojista.inventory.errors import VariantNotFound
from lojista.inventory.selectors import available_quantity, with_availability

# Reads record activity at most this often, so that a read rarely writes.
ACTIVITY_RESOLUTION = timedelta(hours=1)


def _check_line_quantity(quantity: int, *, minimum: int = 1) -> None:
    maximum = settings.LOJISTA_CART_MAX_LINE_QUANTITY
    if not minimum <= quantity <= maximum:
        message = _("The quantity must be between %(minimum)d and %(maximum)d.") % {
            "minimum": minimum,
            "maximum": maximum,
        }
        raise InvalidInput.field("quantity", message)


def _check_order_limit(variant: Variant, quantity: int) -> None:
    """A maximum per order is a rule, not stock: a wish above it is refused
    (a wish above the stock is kept)."""
    limit = variant.order_limit
    if limit is not None and quantity > limit:
        raise AboveMaxPerOrder(item=item_label(variant.product.name, variant.name), limit=limit)


def _lock_open(cart: Cart) -> None:
    """Lock ``cart``'s row and record activity, or raise CartClosed."""
    now = timezone.now()
    if not Cart.objects.filter(pk=cart.pk, status=Cart.Status.OPEN).update(updated_at=now):
        raise CartClosed()
    cart.updated_at = now


# One INSERT, atomic by itself: no transaction around it (issue 14: the
# BEGIN and COMMIT were two of the request's four statements).
def cart_create(*, language: str = "", customer: User | None = None) -> Cart:
    return Cart.objects.create(language=language, customer=customer)


def cart_for_customer(*, customer: User, language: str = "") -> Cart:
    """The customer's open cart, created when they have none."""
    cart = Cart.objects.filter(customer=customer, status=Cart.Status.OPEN).first()
    return cart if cart is not None else _open_cart_create(customer=customer, language=language)


def _open_cart_create(*, customer: User, language: str) -> Cart:
    """Two requests racing to create the customer's cart both end up with the
    same one: the partial unique constraint lets only one open cart exist, and
    the loser's savepoint rolls back alone."""
    try:
        with transaction.atomic():
            return Cart.objects.create(customer=customer, language=language)
    except IntegrityError:
        return Cart.objects.get(customer=customer, status=Cart.Status.OPEN)


def _purchasable_variant(variant_id: int) -> Variant:
    """Unknown and unpublished variants look the same, as in the catalog."""
    variant = (
        Variant.objects.select_related("product")
        .filter(pk=variant_id, is_published=True, product__is_published=True)
        .first()
    )
    if variant is None:
        raise VariantNotFound([variant_id])
    return variant


@transaction.atomic
def cart_line_add(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """Add ``quantity`` units of a variant: to its line when the cart has one.
    The wish is kept even beyond the stock; the view shows what can be bought."""
    _check_line_quantity(quantity)
    if cart.status != Cart.Status.OPEN:
        raise CartClosed()
    variant = _purchasable_variant(variant_id)
    _lock_open(cart)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    _check_order_limit(variant, quantity + (line.requested_quantity if line is not None else 0))
    if line is None:
        line = CartLine.objects.create(
            cart=cart,
            **CartLine.of_variant(variant),
            requested_quantity=quantity,
            price_seen=variant.price,
        )
    else:
        _check_line_quantity(line.requested_quantity + quantity)
        line.requested_quantity += quantity
        # The customer adds at today's price: that is the price they have seen.
        line.price_seen = variant.price
        line.save(update_fields=["requested_quantity", "price_seen"])
    cart_changed.send(sender=Cart, cart=cart)
    return line


def _line_of(cart: Cart, line_id: int) -> CartLine:
    line = CartLine.objects.select_related("variant__product").filter(cart=cart, pk=line_id).first()
    if line is None:
        raise CartLineNotFound()
    return line


@transaction.atomic
def cart_line_set_quantity(*, cart: Cart, line_id: int, quantity: int) -> None:
    """Ask for ``quantity`` units on a line; 0 removes it."""
    _check_line_quantity(quantity, minimum=0)
    if cart.status != Cart.Status.OPEN:
        raise CartClosed()
    _lock_open(cart)
    line = _line_of(cart, line_id)
    if quantity == 0:
        line.delete()
    else:
        if line.variant is not None:
            _check_order_limit(line.variant, quantity)
        line.requested_quantity = quantity
        line.save(update_fields=["requested_quantity"])
    cart_changed.send(sender=Cart, cart=cart)


@transaction.atomic
def cart_line_remove(*, cart: Cart, line_id: int) -> None:
    if cart.status != Cart.Status.OPEN:
        raise CartClosed()
    _lock_open(cart)
    _line_of(cart, line_id).delete()
    cart_changed.send(sender=Cart, cart=cart)


# Not wrapped in a transaction: each write below is one statement, atomic by
# itself, and a read that writes nothing then costs no transaction at all.
def cart_viewed(*, cart: Cart, view: CartView) -> None:
    """After showing ``view``: a price change it showed is not shown again,
    and the visit counts as activity (at most once per ACTIVITY_RESOLUTION)."""
    shown = [
        CartLine(pk=line.id, price_seen=line.unit_price)
        for line in view.lines
        if line.problem == PRICE_CHANGED
    ]
    if shown:
        CartLine.objects.bulk_update(shown, ["price_seen"])
    now = timezone.now()
    if cart.updated_at < now - ACTIVITY_RESOLUTION:
        Cart.objects.filter(pk=cart.pk).update(updated_at=now)
        cart.updated_at = now


def cart_show(*, cart: Cart) -> CartView:
    """The cart as the customer sees it now (``selectors.cart_view``), with the
    visit recorded (``cart_viewed``): what every endpoint or page showing a
    cart to its customer calls."""
    view = cart_view(cart=cart)
    cart_viewed(cart=cart, view=view)
    return view


def _merged_quantity(*, own: int, guest: int, available: int | None) -> int:
    """Both carts' wishes summed, capped by the per-line maximum and, when the
    sum exceeds it, by the stock available, but never below what either cart
    asked for alone: a merge must not take away a wish (the view shows the
    shortfall)."""
    total = min(own + guest, settings.LOJISTA_CART_MAX_LINE_QUANTITY)
    if available is not None and total > available:
        total = max(available, own, guest)
    return total


def _capped_message(line: CartLine, *, wanted: int, available: int | None) -> str:
    label = item_label(line.product_name, line.variant_name)
    limit = settings.LOJISTA_CART_MAX_LINE_QUANTITY
    if available is None or available >= min(wanted, limit):
        return _("%(item)s: the quantity was limited to %(count)d, the most one line can hold.") % {
            "item": label,
            "count": limit,
        }
    return ngettext(
        "%(item)s: the quantities of both carts were not added up, as only %(count)d is available.",
        "%(item)s: the quantities of both carts were not added up, as only %(count)d are available.",
        available or 0,
    ) % {"item": label, "count": available or 0}


def _availability_of(variant_ids: list[int], *, cart: Cart) -> dict[int, int | None]:
    """Availability for ``cart``, whose own checkout holds do not count against it."""
    variants = with_availability(Variant.objects.filter(pk__in=variant_ids), exclude_key=f"cart:{cart.pk}")
    return {variant.pk: available_quantity(variant) for variant in variants}


@transaction.atomic
def cart_merge_into_customer(*, guest_token: str, customer: User, language: str = "") -> list[str]:
    """Merge the open guest cart ``guest_token`` into ``customer``'s cart and
    close it, returning what the customer should be told.

    Nothing happens (and nothing is said) for an unknown token, a cart that
    belongs to a customer, or one already merged: a retried login cannot add
    the same quantities twice. Lines whose variant was deleted are dropped.
    """
    if not is_cart_token_shaped(guest_token):
        return []
    guest = (
        Cart.objects.select_for_update()
        .filter(token=guest_token, customer__isnull=True, status=Cart.Status.OPEN)
        .first()
    )
    if guest is None:
        return []
    target = cart_for_customer(customer=customer, language=language)
    _lock_open(target)
    guest_lines: dict[int, CartLine] = {
        line.variant_id: line
        for line in guest.lines.order_by("created_at", "id")
        if line.variant_id is not None
    }
    own_lines = {line.variant_id: line for line in target.lines.filter(variant_id__in=guest_lines)}
    available = _availability_of(list(guest_lines), cart=target)

    messages: list[str] = []
    new_lines, changed_lines = [], []
    for variant_id, guest_line in guest_lines.items():
        own = own_lines.get(variant_id)
        if own is None:
            guest_line.pk, guest_line.cart = None, target
            new_lines.append(guest_line)
            continue
        wanted = own.requested_quantity + guest_line.requested_quantity
        own.requested_quantity = _merged_quantity(
            own=own.requested_quantity, guest=guest_line.requested_quantity, available=available[variant_id]
        )
        changed_lines.append(own)
        if own.requested_quantity < wanted:
            messages.append(_capped_message(own, wanted=wanted, available=available[variant_id]))
    CartLine.objects.bulk_create(new_lines)
    CartLine.objects.bulk_update(changed_lines, ["requested_quantity"])
    Cart.objects.filter(pk=guest.pk).update(status=Cart.Status.MERGED, closed_at=timezone.now())
    # The guest's lines moved out; the customer's cart changed only if some moved in.
    cart_changed.send(sender=Cart, cart=guest)
    if guest_lines:
        cart_changed.send(sender=Cart, cart=target)
        count = len(guest_lines)
        summary = ngettext(
            "%(count)d item from your previous cart was added to your cart.",
            "%(count)d items from your previous cart were added to your cart.",
            count,
        ) % {"count": count}
        messages.insert(0, summary)
    return messages


@dataclass(frozen=True)
class CustomerLogin:
    """Who logged in, their cart (holding the guest cart's lines) and what
    the merge changed, for the customer to read; ``token`` for the API."""

    customer: User
    cart: Cart
    messages: list[str]
    token: str | None = None


def cart_after_login(*, customer: User, guest_token: str | None, language: str = "") -> CustomerLogin:
    """The customer's cart once they logged in, with the guest cart
    ``guest_token`` (if any) merged into it."""
    messages = (
        cart_merge_into_customer(guest_token=guest_token, customer=customer, language=language)
        if guest_token
        else []
    )
    cart = cart_for_customer(customer=customer, language=language)
    return CustomerLogin(customer=customer, cart=cart, messages=messages)


def customer_token_login(
    *, email: str, password: str, client_address: str, guest_cart_token: str | None, language: str = ""
) -> CustomerLogin:
    """The API's login: a new bearer token, and the guest cart merged."""
    customer, token = customer_login(email=email, password=password, client_address=client_address)
    login = cart_after_login(customer=customer, guest_token=guest_cart_token, language=language)
    return CustomerLogin(customer=customer, cart=login.cart, messages=login.messages, token=token)


def customer_session_login(
    request: HttpRequest, *, email: str, password: str, guest_cart_token: str | None
) -> CustomerLogin:
    """The storefront's login: this browser session logged in
    (``customers.web.session_login``, the same throttle as the API), and the
    guest cart (the one the visitor's cookie names) merged."""
    customer = session_login(request, email=email, password=password)
    return cart_after_login(customer=customer, guest_token=guest_cart_token, language=request.LANGUAGE_CODE)


def customer_session_register(
    request: HttpRequest, *, email: str, password: str, name: str, guest_cart_token: str | None
) -> CustomerLogin:
    """The storefront's registration: a new customer account logged in to
    this browser session (``customers.web.session_register``, the API's
    rate limits), and the guest cart merged as at login."""
    customer = session_register(request, email=email, password=password, name=name)
    return cart_after_login(customer=customer, guest_token=guest_cart_token, language=request.LANGUAGE_CODE)


@transaction.atomic
def carts_purge_expired() -> int:
    """Delete carts inactive for longer than their lifetime (a customer's,
    a guest's, or an empty guest cart's, which goes sooner); return how many."""
    now = timezone.now()

    def idle_for(days: int) -> Q:
        return Q(updated_at__lt=now - timedelta(days=days))

    guest = Q(customer__isnull=True)
    empty = ~Exists(CartLine.objects.filter(cart=OuterRef("pk")))
    expired = (
        (~guest & idle_for(settings.LOJISTA_CART_TTL_CUSTOMER_DAYS))
        | (guest & idle_for(settings.LOJISTA_CART_TTL_GUEST_DAYS))
        | (guest & empty & idle_for(settings.LOJISTA_CART_TTL_EMPTY_GUEST_DAYS))
    )
    _total, per_model = Cart.objects.filter(expired).delete()
    return per_model.get(Cart._meta.label, 0)


# One UPDATE needs no savepoint of its own inside the placement's transaction.
@transaction.atomic(savepoint=False)
def cart_mark_converted(*, cart: Cart) -> None:
    """The cart became an order: close it, so the customer's next visit starts a new cart."""
    now = timezone.now()
    Cart.objects.filter(pk=cart.pk).update(status=Cart.Status.CONVERTED, closed_at=now)
    cart.status = Cart.Status.CONVERTED
    cart.closed_at = now
