"""Reads of carts: find a cart for whoever asks, and its availability view.

The view re-checks every line against live stock, publication and price
without changing what the customer asked for: ``requested_quantity`` is the
wish, ``quantity`` what can be bought now.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojista.carts.errors import CartNotFound
from lojista.carts.models import Cart, CartLine, is_cart_token_shaped
from lojista.catalog.models import Product, Variant, order_limit
from lojista.core.money import format_money
from lojista.customers.models import User
from lojista.inventory.models import Reservation, Stock

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


class LiveLine(NamedTuple):
    """A cart line as its variant is now, in plain values (``live_lines``).
    The names, SKU and price are the variant's, or the line's snapshot once
    the variant was deleted (``variant_id`` None)."""

    id: int
    variant_id: int | None
    product_name: str
    variant_name: str
    sku: str
    price: Decimal
    price_seen: Decimal
    requested_quantity: int
    published: bool  # the variant and its product (False once deleted)
    track_stock: bool
    max_per_order: int | None
    available: int  # on hand less others' unexpired holds, never below 0


# Written by hand (decision 225). The columns are the models' own names
# (none sets db_column); the tables come from the models (``_live_lines_sql``).
LIVE_LINES_SQL = """
SELECT l.id, l.variant_id,
       COALESCE(p.name, l.product_name), COALESCE(v.name, l.variant_name), COALESCE(v.sku, l.sku),
       COALESCE(v.price, l.price_seen), l.price_seen, l.requested_quantity,
       v.is_published, p.is_published, v.track_stock, v.max_per_order,
       COALESCE(s.quantity, 0) - COALESCE((
           SELECT SUM(h.quantity) FROM {hold} h
           WHERE h.variant_id = l.variant_id AND h.expires_at > %s AND h.{key} <> %s
       ), 0)
FROM {line} l
LEFT JOIN {variant} v ON v.id = l.variant_id
LEFT JOIN {product} p ON p.id = v.product_id
LEFT JOIN {stock} s ON s.variant_id = l.variant_id
WHERE l.cart_id = %s
ORDER BY l.created_at, l.id
"""

CENTS = Decimal("0.01")  # the places of Variant.price and CartLine.price_seen


def _live_lines_sql() -> str:
    quote = connection.ops.quote_name
    tables = {"line": CartLine, "variant": Variant, "product": Product, "stock": Stock, "hold": Reservation}
    return LIVE_LINES_SQL.format(
        key=quote("key"), **{name: quote(model._meta.db_table) for name, model in tables.items()}
    )


def _money(value: Decimal | float) -> Decimal:
    """A price column as the ORM gives it: SQLite answers an int or a float."""
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(CENTS)


def live_lines(cart: Cart) -> list[LiveLine]:
    """The cart's lines as their variants are now, in the order they were
    added: one statement however many lines. Read per call: availability
    depends on "now". The holds of the cart's own checkout (keyed by the
    cart) are not taken off: they are this cart's units, not someone else's."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_live_lines_sql(), [now, f"cart:{cart.pk}", cart.pk])
        rows = cursor.fetchall()
    return [
        LiveLine(
            id=line_id,
            variant_id=variant_id,
            product_name=product_name,
            variant_name=variant_name,
            sku=sku,
            price=_money(price),
            price_seen=_money(price_seen),
            requested_quantity=requested_quantity,
            published=bool(variant_published and product_published),
            track_stock=bool(track_stock),
            max_per_order=max_per_order,
            available=max(on_hand_less_held, 0),
        )
        for (
            line_id,
            variant_id,
            product_name,
            variant_name,
            sku,
            price,
            price_seen,
            requested_quantity,
            variant_published,
            product_published,
            track_stock,
            max_per_order,
            on_hand_less_held,
        ) in rows
    ]


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


def line_view(line: LiveLine) -> LineView:
    """One line checked against its variant's live state."""
    quantity: int
    problem: str | None
    message: str | None
    if not line.published:
        quantity, problem, message = 0, UNAVAILABLE, _("This item is no longer available")
    else:
        quantity, problem, message = _quantity_problem(
            line.requested_quantity,
            limit=order_limit(line.max_per_order),
            available=line.available if line.track_stock else None,
        )
        # A stock problem speaks first; the price change waits to be shown
        # until the item can be bought, as price_seen only moves once it was shown.
        if problem is None and line.price != line.price_seen:
            problem = PRICE_CHANGED
            message = _("The price changed from %(old)s to %(new)s") % {
                "old": format_money(line.price_seen),
                "new": format_money(line.price),
            }
    return LineView(
        id=line.id,
        variant_id=line.variant_id,
        product_name=line.product_name,
        variant_name=line.variant_name,
        sku=line.sku,
        unit_price=line.price,
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
        lines=[line_view(line) for line in live_lines(cart)],
    )


def new_cart_view(*, cart: Cart) -> CartView:
    """The view of a cart just created: it has no lines, so nothing to read."""
    return CartView(token=cart.token, status=cart.status, currency=settings.LOJISTA_CURRENCY, lines=[])


def customer_open_cart(*, customer: User) -> Cart | None:
    """The customer's current cart (at most one is open), if they have one;
    unlike ``services.cart_for_customer`` it never creates one."""
    return Cart.objects.filter(customer=customer, status=Cart.Status.OPEN).first()
