"""An order's printable invoice, the same for staff (the back office) and
for its customer (the storefront): the template ``orders/invoice.html`` and
what it shows. Who may see which order is the calling view's business."""

from typing import Any

from lojista.core.countries import country_name
from lojista.core.models import ShopSettings
from lojista.orders.models import Fulfilment, Order

TEMPLATE = "orders/invoice.html"


def address_lines(order: Order) -> list[str]:
    """The shipping address (or a pickup's contact) as printed lines."""
    address = order.shipping_address if isinstance(order.shipping_address, dict) else {}
    city = " ".join(part for part in (address.get("postal_code"), address.get("city")) if part)
    country = country_name(str(address.get("country", ""))) if address.get("country") else ""
    lines = [address.get("name"), address.get("line1"), address.get("line2"), city, country]
    return [str(line) for line in lines if line]


def customer_name(order: Order) -> str:
    """The account's name, else the name the order was shipped to."""
    name = order.customer.name if order.customer is not None else ""
    if not name and isinstance(order.shipping_address, dict):
        name = str(order.shipping_address.get("name") or "")
    return name


def invoice_context(order: Order, *, back_url: str) -> dict[str, Any]:
    """The context of ``orders/invoice.html`` for ``order``; ``back_url`` is
    the page its "Back to order" link returns to."""
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "shop": ShopSettings.load(),
        "address": address_lines(order),
        "customer_name": customer_name(order),
        "is_pickup": order.fulfilment == Fulfilment.PICKUP,
        "back_url": back_url,
    }
