"""A checkout holds its stock for the minutes the owner chose in the back
office (ShopSettings.checkout_hold_minutes), else CHECKOUT_HOLD_MINUTES."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lojista.checkout.models import Checkout
from lojista.core.services import shop_settings_update
from tests.checkout.helpers import cart_with, start_ok

pytestmark = pytest.mark.django_db


def hold_of_a_new_checkout(api, shirt) -> timedelta:
    before = timezone.now()
    checkout = start_ok(api, cart_with((shirt, 1)).token)
    return Checkout.objects.get(pk=checkout["id"]).expires_at - before


def test_a_checkout_holds_its_stock_for_the_saved_minutes(api, shipping, shirt, settings):
    settings.LOJISTA_CHECKOUT_HOLD_MINUTES = 60
    shop_settings_update(name="", details="", language="", checkout_hold_minutes=10, invoice_footer="")

    assert timedelta(minutes=10) <= hold_of_a_new_checkout(api, shirt) < timedelta(minutes=11)


def test_without_a_saved_hold_the_environment_decides(api, shipping, shirt, settings):
    settings.LOJISTA_CHECKOUT_HOLD_MINUTES = 30

    assert timedelta(minutes=30) <= hold_of_a_new_checkout(api, shirt) < timedelta(minutes=31)
