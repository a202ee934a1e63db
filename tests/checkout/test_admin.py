"""The interim Django admin lists checkouts and changes none of them."""

import pytest
from django.urls import reverse

from lojista.customers.models import User
from tests.checkout.helpers import cart_with, start_ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    owner = User.objects.create_superuser("owner@example.com", "owner password 1", name="Olga Owner")
    client.force_login(owner)
    return client


@pytest.fixture
def checkout_id(shipping, shirt, client) -> str:
    return start_ok(client, cart_with((shirt, 1)).token, headers={})["id"]


def test_the_checkout_list_shows_the_checkouts(owner_client, checkout_id):
    response = owner_client.get(reverse("admin:checkout_checkout_changelist"))

    assert response.status_code == 200
    assert checkout_id in response.content.decode()
    assert "ana@example.com" in response.content.decode()


def test_a_checkout_opens_read_only(owner_client, checkout_id):
    url = reverse("admin:checkout_checkout_change", args=[checkout_id])

    response = owner_client.get(url)
    posted = owner_client.post(url, {"email": "changed@example.com"})

    assert response.status_code == 200
    assert "Camiseta" in response.content.decode()
    assert posted.status_code == 403


@pytest.mark.parametrize("url_name", ["admin:checkout_checkout_add", "admin:checkout_checkout_delete"])
def test_checkouts_cannot_be_added_or_deleted(owner_client, checkout_id, url_name):
    args = [] if url_name.endswith("add") else [checkout_id]

    assert owner_client.get(reverse(url_name, args=args)).status_code == 403
