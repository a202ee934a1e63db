"""Shipping zones and variants for the checkout tests."""

from decimal import Decimal

import pytest

from lojista.checkout.models import ShippingMethod, ShippingZone
from tests.catalog.factories import make_product, make_variant
from tests.checkout.helpers import PICKUP_DETAILS, PICKUP_LOCATION


@pytest.fixture
def shipping(db) -> dict[str, ShippingMethod]:
    """Portugal: standard (4.90, free from 50.00), express (9.90), pickup
    (1.50, at PICKUP_LOCATION, open PICKUP_DETAILS), an inactive method;
    Spain and France: standard (12.00)."""
    portugal = ShippingZone.objects.create(name="Portugal", countries=["PT"])
    europe = ShippingZone.objects.create(name="Europe", countries=["ES", "fr"])
    methods = [
        ShippingMethod(
            zone=portugal,
            code="pt-standard",
            name="Standard",
            price=Decimal("4.90"),
            free_above=Decimal("50.00"),
        ),
        ShippingMethod(zone=portugal, code="pt-express", name="Express", price=Decimal("9.90")),
        ShippingMethod(
            zone=portugal,
            code="pickup-lisbon",
            name="Lisbon shop",
            kind="pickup",
            price=Decimal("1.50"),
            pickup_location=PICKUP_LOCATION,
            pickup_details=PICKUP_DETAILS,
        ),
        ShippingMethod(zone=portugal, code="pt-old", name="Old", price=Decimal("1.00"), is_active=False),
        ShippingMethod(zone=europe, code="eu-standard", name="Europe", price=Decimal("12.00")),
    ]
    ShippingMethod.objects.bulk_create(methods)
    return {method.code: method for method in ShippingMethod.objects.all()}


@pytest.fixture
def shirt(db):
    return make_variant(make_product("Camiseta"), name="M", price="25.00", stock=10)


@pytest.fixture
def mug(db):
    return make_variant(make_product("Caneca"), price="12.50", stock=10)
