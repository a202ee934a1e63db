"""Reads of carts: find a cart for whoever asks, and its availability view.

The view re-checks every line against live stock, publication and price
without changing what the customer asked for: ``requested_quantity`` is the
wish, ``quantity`` what can be bought now.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojista.carts.errors import CartNotFound
from lojista.carts.models import Cart, CartLine, is_cart_token_shaped
from lojista.core.money import format_money
from lojista.customers.models import User
from lojista.inventory.selectors import annotate_variant, availability_annotations, available_quantity

OUT_OF_STOCK = "out_of_stock"
INSUFFICIENT_STOCK = "insufficient_stock"
PRICE_CHANGED = "price_changed"
UNAVAILABLE = "unavailable"
ABOVE_MAX_PER_ORDER = "above_max_per_order"


@dataclass(frozen=True)
class LineView:
    id: int
    variant_id: int | None
    product_name: str
    variant_name: str
    sku: str
    unit_price: Decimal
    requested_quantity: int
    quantity: int
    available: bool
    problem: str | None
    message: str | None

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class CartView:
    token: str
    status: str
    currency: str
    lines: list[LineView]

    @property
    def item_count(self) -> int:
        """Units that can be bought now, like ``subtotal``."""
        return sum(line.quantity for line in self.lines)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))

    @property
    def checkoutable(self) -> bool:
        """Open, not empty, and every line buyable. A line short of stock is
        buyable (its ``quantity`` is what is left); one at quantity 0 is not."""
        return (
            self.status == Cart.Status.OPEN
            and bool(self.lines)
            and all(line.available for line in self.lines)
        )

    @property
    def messages(self) -> list[str]:
        return [
            _("%(item)s: %(message)s")
            % {"item": item_label(line.product_name, line.variant_name), "message": line.message}
            for line in self.lines
            if line.message
        ]


def item_label(product_name: str, variant_name: str) -> str:
    return f"{product_name} ({variant_name})" if variant_name else product_name


def cart_for_viewer(*, token: str, viewer: User | None) -> Cart:
    """The cart ``token`` names, if ``viewer`` may see it: a guest cart is
    open to whoever holds its token, a customer's cart only to that customer."""
    cart = Cart.objects.filter(token=token).first() if is_cart_token_shaped(token) else None
    if cart is None or (cart.customer_id is not None and (viewer is None or viewer.pk != cart.customer_id)):
        raise CartNotFound()
    return cart


def _lines_with_live_variants(cart: Cart) -> list[CartLine]:
    """The cart's lines with their variant, product and availability: one
    query however many lines (issue 14: it was two, the lines then their
    variants). Built per call: availability depends on "now". The holds of
    the cart's own checkout (keyed by the cart) are not taken off: they are
    this cart's units, not someone else's."""
    lines = list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product")
        .annotate(**availability_annotations(exclude_key=f"cart:{cart.pk}", through="variant"))
        .order_by("created_at", "id")
    )
    for line in lines:
        if line.variant is not None:
            annotate_variant(line.variant, line.available_quantity_raw)  # type: ignore[attr-defined]
    return lines


def _unavailable_view(line: CartLine) -> LineView:
    variant = line.variant
    return LineView(
        id=line.pk,
        variant_id=line.variant_id,
        product_name=variant.product.name if variant else line.product_name,
        variant_name=variant.name if variant else line.variant_name,
        sku=variant.sku if variant else line.sku,
        unit_price=variant.price if variant else line.price_seen,
        requested_quantity=line.requested_quantity,
        quantity=0,
        available=False,
        problem=UNAVAILABLE,
        message=_("This item is no longer available"),
    )


def _stock_problem(requested: int, available: int | None) -> tuple[int, str | None, str | None]:
    """(quantity buyable now, problem, message) given the stock available
    (None: not tracked, never short)."""
    if available is None or available >= requested:
        return requested, None, None
    if available == 0:
        return 0, OUT_OF_STOCK, _("This item is out of stock")
    return (
        available,
        INSUFFICIENT_STOCK,
        ngettext("Only %(count)d left", "Only %(count)d left", available) % {"count": available},
    )


def _quantity_problem(
    requested: int, *, limit: int | None, available: int | None
) -> tuple[int, str | None, str | None]:
    """Like ``_stock_problem``, but a wish above the maximum per order (a
    rule, ``limit``) buys nothing until the customer lowers it."""
    if limit is not None and requested > limit:
        message = ngettext("At most %(count)d unit per order", "At most %(count)d units per order", limit)
        return 0, ABOVE_MAX_PER_ORDER, message % {"count": limit}
    return _stock_problem(requested, available)


def line_view(line: CartLine) -> LineView:
    """One line checked against its variant's live state (the variant must be
    prefetched with availability, as ``_lines_with_live_variants`` does)."""
    variant = line.variant
    if variant is None or not (variant.is_published and variant.product.is_published):
        return _unavailable_view(line)
    quantity, problem, message = _quantity_problem(
        line.requested_quantity, limit=variant.order_limit, available=available_quantity(variant)
    )
    # A stock problem speaks first; the price change waits to be shown until
    # the item can be bought, as price_seen only moves once it was shown.
    if problem is None and variant.price != line.price_seen:
        problem = PRICE_CHANGED
        message = _("The price changed from %(old)s to %(new)s") % {
            "old": format_money(line.price_seen),
            "new": format_money(variant.price),
        }
    return LineView(
        id=line.pk,
        variant_id=variant.pk,
        product_name=variant.product.name,
        variant_name=variant.name,
        sku=variant.sku,
        unit_price=variant.price,
        requested_quantity=line.requested_quantity,
        quantity=quantity,
        available=quantity > 0,
        problem=problem,
        message=message,
    )


def cart_view(*, cart: Cart) -> CartView:
    """The cart as the customer sees it now, in the active language."""
    return CartView(
        token=cart.token,
        status=cart.status,
        currency=settings.LOJISTA_CURRENCY,
        lines=[line_view(line) for line in _lines_with_live_variants(cart)],
    )


def new_cart_view(*, cart: Cart) -> CartView:
    """The view of a cart just created: it has no lines, so nothing to read."""
    return CartView(token=cart.token, status=cart.status, currency=settings.LOJISTA_CURRENCY, lines=[])


def customer_open_cart(*, customer: User) -> Cart | None:
    """The customer's current cart (at most one is open), if they have one;
    unlike ``services.cart_for_customer`` it never creates one."""
    return Cart.objects.filter(customer=customer, status=Cart.Status.OPEN).first()
