"""The Django admin lists payments and cannot change them."""

import pytest
from django.urls import reverse

from lojista.customers.models import User
from lojista.payments.models import Payment
from lojista.payments.services import payment_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    owner = User.objects.create_superuser("owner@example.com", "owner password 1", name="Olga Owner")
    client.force_login(owner)
    return client


@pytest.fixture
def payment(make_checkout) -> Payment:
    payment, _ = payment_start(
        checkout=make_checkout(), gateway="test", idempotency_key="k", request_hash="h"
    )
    Payment.objects.filter(pk=payment.pk).update(reference="test_ch_findme", client_secret="pi_secret_hidden")
    return payment


def test_payments_are_listed_and_searchable_by_reference(owner_client, payment):
    response = owner_client.get(reverse("admin:payments_payment_changelist"), {"q": "findme"})

    assert response.status_code == 200
    assert "test_ch_findme" in response.content.decode()


def test_a_payment_opens_read_only_without_its_client_secret(owner_client, payment):
    response = owner_client.get(reverse("admin:payments_payment_change", args=[payment.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "test_ch_findme" in page
    assert "pi_secret_hidden" not in page
    assert 'name="_save"' not in page


def test_payments_cannot_be_added_or_deleted(owner_client, payment):
    assert owner_client.get(reverse("admin:payments_payment_add")).status_code == 403
    assert owner_client.post(reverse("admin:payments_payment_delete", args=[payment.pk])).status_code == 403
    assert Payment.objects.filter(pk=payment.pk).exists()
