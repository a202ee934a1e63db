"""GET /checkouts/{id}: the checkout for whoever started it, with its live status."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import bearer
from lojista.checkout.models import Checkout
from lojista.customers.models import ApiToken, User
from tests.checkout.helpers import CHECKOUTS, cart_with, start_ok

pytestmark = pytest.mark.django_db


def test_a_guest_reads_their_checkout_by_its_id(api, shipping, shirt):
    started = start_ok(api, cart_with((shirt, 1)).token)

    response = api.get(f"{CHECKOUTS}/{started['id']}")

    assert response.status_code == 200
    assert response.json() == started


def test_a_checkout_past_its_hold_reads_expired(api, shipping, shirt):
    started = start_ok(api, cart_with((shirt, 1)).token)
    Checkout.objects.filter(pk=started["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = api.get(f"{CHECKOUTS}/{started['id']}")

    assert response.json()["status"] == "expired"


@pytest.mark.parametrize("status", ["completed", "outdated"])
def test_a_closed_checkout_reads_its_status_even_past_its_hold(api, shipping, shirt, status):
    started = start_ok(api, cart_with((shirt, 1)).token)
    Checkout.objects.filter(pk=started["id"]).update(
        status=status, expires_at=timezone.now() - timedelta(minutes=5)
    )

    response = api.get(f"{CHECKOUTS}/{started['id']}")

    assert response.json()["status"] == status
    assert response.json()["order_number"] is None


@pytest.mark.parametrize("checkout_id", ["not-a-uuid", "1", "0" * 33, str(uuid.uuid4())])
def test_malformed_and_unknown_ids_answer_the_same_404(api, shipping, checkout_id):
    response = api.get(f"{CHECKOUTS}/{checkout_id}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_customers_checkout_needs_their_bearer(api, shipping, customer, customer_headers, shirt):
    started = start_ok(api, cart_with((shirt, 1), customer=customer).token, headers=customer_headers)
    other = User.objects.create_user("bia@example.com", "another long password", name="Bia")

    mine = api.get(f"{CHECKOUTS}/{started['id']}", headers=customer_headers)
    anonymous = api.get(f"{CHECKOUTS}/{started['id']}")
    someone_else = api.get(f"{CHECKOUTS}/{started['id']}", headers=bearer(ApiToken.issue(other)))

    assert mine.status_code == 200
    assert anonymous.status_code == someone_else.status_code == 404


def test_the_payment_methods_follow_the_settings(api, shipping, shirt, settings):
    started = start_ok(api, cart_with((shirt, 1)).token)
    settings.LOJISTA_TEST_GATEWAY_ENABLED = False
    settings.STRIPE_SECRET_KEY = "sk_test_123"

    response = api.get(f"{CHECKOUTS}/{started['id']}")

    assert response.json()["payment_methods"] == ["offline", "stripe"]


def test_the_app_gets_stripes_publishable_key_only_when_stripe_is_offered(api, shipping, shirt, settings):
    started = start_ok(api, cart_with((shirt, 1)).token)
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    settings.STRIPE_SECRET_KEY = ""

    without_stripe = api.get(f"{CHECKOUTS}/{started['id']}").json()
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    with_stripe = api.get(f"{CHECKOUTS}/{started['id']}").json()

    assert without_stripe["stripe_publishable_key"] is None
    assert with_stripe["stripe_publishable_key"] == "pk_test_123"
