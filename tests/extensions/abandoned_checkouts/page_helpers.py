"""An abandoned checkout made the way a customer makes one, for the pages'
tests: a cart, a checkout started (watched by the installed extension), a
sweep with no delay; and its reminder's links."""

from decimal import Decimal

from lojista.carts.models import Cart
from lojista.carts.services import cart_create, cart_line_add
from lojista.checkout.services import checkout_start
from lojista.core.extensions import extension_install
from lojista.customers.models import User
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.extensions.abandoned_checkouts.links import recovery_token, unsubscribe_token
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout
from lojista.extensions.abandoned_checkouts.services import (
    abandoned_checkouts_sweep,
    recovery_settings_update,
)
from tests.catalog.factories import make_product, make_variant
from tests.storefront.checkout_helpers import ADDRESS


def install(*, delay_minutes: int = 0) -> None:
    extension_install(slug=SLUG)
    recovery_settings_update(
        delay_minutes=delay_minutes,
        auto_send=False,
        schedule_minutes=[60, 1440, 4320],
        link_ttl_days=7,
        retention_days=90,
    )


def mug(**changes):
    return make_variant(make_product(changes.pop("name", "Caneca")), price="12.50", stock=10, **changes)


def abandon(
    *items, email: str = "ana@example.com", name: str = "Ana Souza", customer: User | None = None
) -> AbandonedCheckout:
    """A checkout of ``items`` ((variant, quantity); two mugs by default)
    started and left: abandoned by a sweep (the delay must be 0)."""
    if not items:
        items = ((mug(), 2),)
    cart = Cart.objects.create(customer=customer) if customer is not None else cart_create()
    for variant, quantity in items:
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    address = {**ADDRESS, "name": name}
    address.pop("email")
    checkout = checkout_start(
        cart=cart,
        customer=customer,
        email=email,
        shipping_address=address,
        shipping_method_code="pt-express",
    )
    abandoned_checkouts_sweep()
    return AbandonedCheckout.objects.get(checkout=checkout)


def recover_path(row: AbandonedCheckout) -> str:
    return f"/cart/recover/{recovery_token(row)}/"


def unsubscribe_path(email: str) -> str:
    return f"/emails/unsubscribe/{unsubscribe_token(email)}/"


def value(row: AbandonedCheckout) -> Decimal:
    return row.cart_value
