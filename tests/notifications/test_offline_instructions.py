"""The offline payment instructions a customer is shown after ordering."""

import pytest
from django.utils import translation

from lojista.notifications.models import NotificationSettings
from lojista.notifications.selectors import offline_payment_instructions

pytestmark = pytest.mark.django_db


def test_the_shops_instructions_in_the_customers_language():
    row = NotificationSettings.load()
    row.payment_instructions = "Pay to IBAN PT50 0000."
    row.translations = {"pt-br": {"payment_instructions": "Pague para o IBAN PT50 0000."}}
    row.save()

    assert offline_payment_instructions() == "Pay to IBAN PT50 0000."
    with translation.override("pt-br"):
        assert offline_payment_instructions() == "Pague para o IBAN PT50 0000."


def test_a_general_sentence_when_the_shop_wrote_none():
    assert "bank transfer or on delivery" in offline_payment_instructions()
