"""A shop with shipping and a browser holding a cart, for the checkout pages' tests."""

from decimal import Decimal

from django.test import Client

from lojista.carts.models import Cart
from lojista.carts.services import cart_create, cart_line_add
from lojista.checkout.models import ShippingMethod, ShippingZone
from lojista.storefront.cart_session import COOKIE
from tests.catalog.factories import make_product, make_variant

ADDRESS = {
    "email": "ana@example.com",
    "name": "Ana Souza",
    "line1": "Rua Augusta 10",
    "line2": "",
    "city": "Lisboa",
    "postal_code": "1100-053",
    "country": "PT",
    "phone": "+351 912 345 678",
}


def open_shop() -> dict[str, ShippingMethod]:
    """Portugal: standard 4.90 (free from 50.00), express 9.90; Spain 12.00;
    and a pickup in Lisbon (1.50) for everyone."""
    portugal = ShippingZone.objects.create(name="Portugal", countries=["PT"])
    spain = ShippingZone.objects.create(name="Spain", countries=["ES"])
    methods = [
        ShippingMethod(
            zone=portugal,
            code="pt-standard",
            name="Standard",
            price=Decimal("4.90"),
            free_above=Decimal("50"),
        ),
        ShippingMethod(zone=portugal, code="pt-express", name="Express", price=Decimal("9.90")),
        ShippingMethod(zone=spain, code="es-standard", name="Spain standard", price=Decimal("12.00")),
        ShippingMethod(
            zone=portugal,
            code="pickup",
            name="Lisbon shop",
            kind="pickup",
            price=Decimal("1.50"),
            pickup_location="Rua da Prata 80, Lisboa",
        ),
    ]
    ShippingMethod.objects.bulk_create(methods)
    return {method.code: method for method in ShippingMethod.objects.all()}


def guest_with_cart(*items: tuple[object, int]) -> tuple[Client, Cart]:
    """A browser whose cookie names a guest cart holding ``items``; by default
    two mugs at 12.50."""
    if not items:
        items = ((make_variant(make_product("Caneca"), price="12.50", stock=10), 2),)
    cart = cart_create()
    for variant, quantity in items:
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)  # type: ignore[attr-defined]
    client = Client()
    client.cookies[COOKIE] = cart.token
    return client, cart


def start(client: Client, **changes: str):
    return client.post("/checkout/", {**ADDRESS, "shipping_method": "pt-standard", **changes})


def pay(client: Client, location: str, **changes: str):
    """Open the payment page at ``location`` and pay with the test card."""
    page = client.get(location)
    key = page.context["form"].initial["idempotency_key"]
    data = {"payment_method": "test", "payment_token": "tok_visa", "idempotency_key": key, **changes}
    return client.post(location, data)
