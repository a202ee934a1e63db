"""One place knows which payment gateways are offered
(checkout.payment_methods): each gateway says whether it is enabled."""

import pytest

from lojista.api import api
from lojista.checkout import payment_methods
from lojista.checkout.payment_methods import (
    check_payment_method,
    offered_payment_methods,
    register_payment_method,
)
from lojista.core.errors import InvalidInput
from lojista.payments.gateways import GATEWAYS
from lojista.payments.models import Payment


@pytest.mark.parametrize(
    ("test_gateway", "stripe_key", "offered"),
    [
        (False, "", ["offline"]),
        (True, "", ["offline", "test"]),
        (False, "sk_test_123", ["offline", "stripe"]),
        (True, "sk_test_123", ["offline", "test", "stripe"]),
    ],
)
def test_each_gateway_says_when_it_is_offered(settings, test_gateway, stripe_key, offered):
    settings.LOJISTA_TEST_GATEWAY_ENABLED = test_gateway
    settings.STRIPE_SECRET_KEY = stripe_key

    assert offered_payment_methods() == offered
    for code in offered:
        check_payment_method(code)
    for code in set(Payment.Gateway.values) - set(offered):
        with pytest.raises(InvalidInput) as refused:
            check_payment_method(code)
        assert list(refused.value.details["fields"]) == ["payment_method"]


def test_every_known_gateway_is_registered():
    assert list(GATEWAYS) == list(Payment.Gateway.values)
    assert set(payment_methods._methods) == set(Payment.Gateway.values)


class Pix:
    """A gateway an app could add: offered only while it says so."""

    code = "pix"
    enabled = False

    def is_enabled(self) -> bool:
        return self.enabled


@pytest.fixture
def pix():
    gateway = Pix()
    register_payment_method(gateway)
    yield gateway
    del payment_methods._methods["pix"]


def test_a_registered_gateway_is_offered_after_the_others_while_it_is_enabled(settings, pix):
    settings.STRIPE_SECRET_KEY = ""
    assert "pix" not in offered_payment_methods()
    pix.enabled = True
    assert offered_payment_methods() == ["offline", "test", "pix"]
    check_payment_method("pix")


def test_the_openapi_document_lists_the_known_gateways():
    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    field = schemas["CompleteIn"]["properties"]["payment_method"]
    if "$ref" in field:
        field = schemas[field["$ref"].rsplit("/", 1)[-1]]
    assert field["enum"] == ["offline", "test", "stripe"]
