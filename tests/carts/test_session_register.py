"""Registering from a web page (the storefront): a new account, logged in to
the browser session, with the guest cart merged as at login."""

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from lojista.carts.models import Cart
from lojista.carts.services import cart_line_add, customer_session_register
from lojista.core.errors import InvalidInput
from lojista.core.ratelimit import RateLimited
from lojista.customers.errors import EmailTaken
from lojista.customers.models import ApiToken, User
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def web_request(language: str = "pt-br"):
    request = RequestFactory().post("/account/register/", REMOTE_ADDR="192.0.2.1")
    SessionMiddleware(lambda r: None).process_request(request)
    request.LANGUAGE_CODE = language
    return request


def test_registering_logs_the_new_customer_in_and_merges_the_guest_cart():
    guest = Cart.objects.create()
    cart_line_add(cart=guest, variant_id=make_variant(make_product("Caneca"), stock=5).pk, quantity=2)
    request = web_request()

    login = customer_session_register(
        request, email="Bia@Example.com", password=PASSWORD, name="Bia", guest_cart_token=guest.token
    )

    user = User.objects.get(email="bia@example.com")
    assert login.customer == user and user.language == "pt-br" and not user.is_staff
    assert request.session["_auth_user_id"] == str(user.pk)
    assert [line.requested_quantity for line in login.cart.lines.all()] == [2]
    assert login.cart.customer == user
    assert not ApiToken.objects.exists()  # a browser session, not an API token


def test_a_taken_email_or_a_weak_password_creates_nothing(customer):
    with pytest.raises(EmailTaken):
        customer_session_register(
            web_request(), email=customer.email, password=PASSWORD, name="", guest_cart_token=None
        )
    with pytest.raises(InvalidInput) as weak:
        customer_session_register(
            web_request(), email="new@example.com", password="123", name="", guest_cart_token=None
        )

    assert "password" in weak.value.details["fields"]
    assert User.objects.count() == 1


def test_registering_counts_in_the_apis_rate_limits(settings):
    settings.LOJISTA_RATE_LIMITS_ENABLED = True
    settings.LOJISTA_RATE_LIMITS = {"register_address": "1/h"}
    customer_session_register(
        web_request(), email="a@example.com", password=PASSWORD, name="", guest_cart_token=None
    )

    with pytest.raises(RateLimited):
        customer_session_register(
            web_request(), email="b@example.com", password=PASSWORD, name="", guest_cart_token=None
        )
