"""Fixtures of the payments tests: a fake Stripe and checkouts to pay for."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.utils import timezone

from lojista.checkout.models import Checkout, ShippingMethod, ShippingZone
from tests.payments.fake_stripe import SECRET_KEY, WEBHOOK_SECRET, FakeStripe

_numbers = count(1)


@pytest.fixture
def fake_stripe(settings):
    """A fake Stripe API on a free local port, with the Stripe settings
    pointing at it; ``.requests`` and ``.intents`` show what it was asked and
    holds, ``.sign(payload)`` signs a webhook body like Stripe."""
    fake = FakeStripe()
    fake.start()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()


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
