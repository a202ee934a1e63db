"""Fixtures of the payments tests: checkouts to pay for (the fake Stripe is in the root conftest)."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from lojista.checkout.models import Checkout, ShippingMethod, ShippingZone

_numbers = count(1)


@pytest.fixture
def make_checkout(db):
    """``make_checkout(total="12.50", currency="EUR")`` -> an open checkout
    whose server-computed total is what a payment must take."""
    zone = ShippingZone.objects.create(name="Portugal", countries=["PT"])
    method = ShippingMethod.objects.create(zone=zone, code="post", name="Post", price=Decimal("0"))

    def make(total: str = "12.50", currency: str = "EUR") -> Checkout:
        return Checkout.objects.create(
            email=f"buyer{next(_numbers)}@example.com",
            shipping_address={
                "name": "Ana",
                "line1": "Rua 1",
                "city": "Lisboa",
                "postal_code": "1000-001",
                "country": "PT",
            },
            shipping_method=method,
            currency=currency,
            subtotal=Decimal(total),
            shipping_price=Decimal("0"),
            total=Decimal(total),
            expires_at=timezone.now() + timedelta(hours=1),
        )

    return make
