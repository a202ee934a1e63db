"""The customer's account: register, log in (the guest cart merges, with its
messages), log out, and reset a forgotten password by email."""

import re

import pytest
from django.core import mail
from django.test import Client

from lojista.carts.models import Cart
from lojista.carts.services import cart_create, cart_for_customer, cart_line_add
from lojista.customers.models import LoginFailure, User
from lojista.storefront.cart_session import COOKIE
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LINK = re.compile(r"http://127\.0\.0\.1:8000(?P<path>/account/password-reset/[^/]+/[^/]+/)")


@pytest.fixture
def limits(settings):
    def set_limits(**rates: str) -> None:
        settings.LOJISTA_RATE_LIMITS_ENABLED = True
        settings.LOJISTA_RATE_LIMITS = rates

    return set_limits


def guest_with(variant, quantity: int) -> tuple[Client, Cart]:
    cart = cart_create()
    cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    client = Client()
    client.cookies[COOKIE] = cart.token
    return client, cart


# Logging in


def test_the_login_page_has_the_form_and_its_links():
    page = Client().get("/account/login/").content.decode()

    assert 'name="csrfmiddlewaretoken"' in page
    assert 'type="email"' in page and 'type="password"' in page
    assert 'href="/account/password-reset/"' in page
    assert 'href="/account/register/"' in page


def test_a_customer_logs_in_and_the_guest_cart_merges_with_its_message(customer):
    mug = make_variant(make_product("Caneca"), stock=3)
    own = cart_for_customer(customer=customer)
    cart_line_add(cart=own, variant_id=mug.pk, quantity=2)
    client, guest = guest_with(mug, 2)

    response = client.post("/account/login/", {"email": "ANA@example.com", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/account/"
    assert response.cookies[COOKIE].value == ""  # the guest cart is spent
    page = client.get(response["Location"]).content.decode()
    assert "Ana Souza" in page and "ana@example.com" in page
    assert "the quantities of both carts were not added up, as only 3 are available." in page
    assert [line.requested_quantity for line in own.lines.all()] == [3]
    assert Cart.objects.get(pk=guest.pk).status != Cart.Status.OPEN


def test_the_merge_messages_are_shown_once(customer):
    mug = make_variant(make_product("Caneca"), stock=3)
    own = cart_for_customer(customer=customer)
    cart_line_add(cart=own, variant_id=mug.pk, quantity=2)
    client, _guest = guest_with(mug, 2)

    client.post("/account/login/", {"email": customer.email, "password": PASSWORD})
    first = client.get("/account/").content.decode()
    second = client.get("/account/").content.decode()

    assert 'class="messages"' in first
    assert 'class="messages"' not in second


def test_login_goes_to_next_when_it_stays_on_the_site(customer):
    client = Client()

    to_orders = client.post(
        "/account/login/?next=/account/orders/", {"email": customer.email, "password": PASSWORD}
    )
    client.post("/account/logout/")
    elsewhere = client.post(
        "/account/login/", {"email": customer.email, "password": PASSWORD, "next": "https://evil.example/"}
    )

    assert to_orders["Location"] == "/account/orders/"
    assert elsewhere["Location"] == "/account/"


def test_a_wrong_password_is_401_keeps_the_email_and_the_guest_cart(customer):
    client, guest = guest_with(make_variant(make_product("Caneca"), stock=3), 1)

    response = client.post("/account/login/", {"email": customer.email, "password": "wrong one"})

    assert response.status_code == 401
    page = response.content.decode()
    assert "The email or password is incorrect." in page
    assert 'value="ana@example.com"' in page
    assert COOKIE not in response.cookies
    assert LoginFailure.objects.filter(email=customer.email).exists()  # the API's throttle counts it
    guest.refresh_from_db()
    assert guest.status == Cart.Status.OPEN


def test_a_blank_form_is_400_with_errors_beside_the_fields(db):
    response = Client().post("/account/login/", {"email": "not an email", "password": ""})

    assert response.status_code == 400
    assert response.content.decode().count('class="error"') == 2


def test_too_many_attempts_is_429_with_retry_after(customer, limits):
    limits(login_address="2/h")
    client = Client()
    for _ in range(2):
        client.post("/account/login/", {"email": customer.email, "password": "wrong"})

    response = client.post("/account/login/", {"email": customer.email, "password": PASSWORD})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_staff_may_log_in_to_shop(staff):
    response = Client().post("/account/login/", {"email": staff.email, "password": "staff password 1"})

    assert response.status_code == 302 and response["Location"] == "/account/"


def test_a_logged_in_customer_is_sent_on_from_the_login_page(customer):
    client = Client()
    client.force_login(customer)

    assert client.get("/account/login/")["Location"] == "/account/"


def test_logging_in_needs_post_and_csrf(customer):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/account/login/", {"email": customer.email, "password": PASSWORD})

    assert response.status_code == 403
    assert Client().put("/account/login/").status_code == 405


# Registering


def test_registering_creates_the_account_logs_in_and_merges_the_guest_cart(db):
    client, _guest = guest_with(make_variant(make_product("Caneca"), stock=3), 2)

    response = client.post(
        "/account/register/", {"name": "Bia Lima", "email": "bia@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302 and response["Location"] == "/account/"
    user = User.objects.get(email="bia@example.com")
    assert user.name == "Bia Lima" and not user.is_staff
    assert [line.requested_quantity for line in cart_for_customer(customer=user).lines.all()] == [2]
    assert response.cookies[COOKIE].value == ""
    page = client.get("/account/").content.decode()
    assert "Welcome! Your account is ready." in page and "Bia Lima" in page


def test_a_taken_email_is_shown_beside_the_email_keeping_what_was_typed(customer):
    response = Client().post(
        "/account/register/", {"name": "Another Ana", "email": customer.email, "password": PASSWORD}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(
        r'id="id_email"[^>]*>\s*(<small[^>]*>.*?</small>\s*)?'
        r'<p class="error">An account with this email already exists.',
        page,
        re.S,
    )
    assert 'value="Another Ana"' in page
    assert User.objects.count() == 1


def test_a_weak_password_is_shown_beside_the_password(db):
    response = Client().post(
        "/account/register/", {"name": "", "email": "bia@example.com", "password": "12345"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "This password is too short." in page
    assert 'value="bia@example.com"' in page
    assert not User.objects.exists()


def test_registering_is_rate_limited_like_the_api(db, limits):
    limits(register_address="1/h")
    Client().post("/account/register/", {"email": "a@example.com", "password": PASSWORD})

    response = Client().post("/account/register/", {"email": "b@example.com", "password": PASSWORD})

    assert response.status_code == 429 and response["Retry-After"]
    assert not User.objects.filter(email="b@example.com").exists()


# Logging out


def test_logging_out_is_a_post_and_the_cart_stays_with_the_account(customer):
    own = cart_for_customer(customer=customer)
    cart_line_add(cart=own, variant_id=make_variant(make_product("Caneca"), stock=3).pk, quantity=1)
    client = Client()
    client.force_login(customer)

    assert client.get("/account/logout/").status_code == 405
    response = client.post("/account/logout/")

    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert '<span class="cart-count" aria-label="0 items">0</span>' in client.get("/").content.decode()
    client.post("/account/login/", {"email": customer.email, "password": PASSWORD})
    assert '<span class="cart-count" aria-label="1 item">1</span>' in client.get("/").content.decode()


def test_the_account_page_needs_a_login(db):
    response = Client().get("/account/")

    assert response["Location"] == "/account/login/?next=/account/"


# Password reset


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    def ask(email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return Client().post("/account/password-reset/", {"email": email}, REMOTE_ADDR="192.0.2.1")

    return ask


def test_a_customer_gets_a_reset_link_to_the_storefront(customer, ask):
    response = ask(customer.email)

    assert response.status_code == 200
    assert "If ana@example.com has an account here" in response.content.decode()
    assert LINK.search(mail.outbox[0].body)


def test_an_unknown_email_gets_the_same_answer_and_no_email(db, ask):
    response = ask("nobody@example.com")

    assert response.status_code == 200
    assert "If nobody@example.com has an account here" in response.content.decode()
    assert not mail.outbox


def test_asking_is_rate_limited_like_the_api(customer, ask, limits):
    limits(password_reset_email="1/h")
    ask(customer.email)

    response = ask(customer.email)

    assert response.status_code == 429 and response["Retry-After"]
    assert len(mail.outbox) == 1


def test_the_link_sets_a_new_password_once_then_the_customer_logs_in(customer, ask):
    ask(customer.email)
    link = LINK.search(mail.outbox[0].body)["path"]
    client = Client()

    assert client.get(link).status_code == 200
    weak = client.post(link, {"new_password": "123"})
    done = client.post(link, {"new_password": "a brand new passphrase"})
    again = client.post(link, {"new_password": "another new passphrase"})

    assert weak.status_code == 400 and "This password is too short." in weak.content.decode()
    assert done["Location"] == "/account/login/"
    assert again.status_code == 400
    assert "invalid or has expired" in again.content.decode()
    login = client.post("/account/login/", {"email": customer.email, "password": "a brand new passphrase"})
    assert login.status_code == 302


def test_a_broken_link_says_so(db):
    response = Client().get("/account/password-reset/Mg/not-a-token/")

    assert response.status_code == 400
    assert "invalid or has expired" in response.content.decode()
    assert 'href="/account/password-reset/"' in response.content.decode()


def test_the_account_page_shows_the_language_of_the_customers_emails(customer):
    customer.language = "pt-br"
    customer.save()
    client = Client()
    client.force_login(customer)

    page = client.get("/account/").content.decode()

    assert "Português" in page
    assert 'action="/account/logout/"' in page and 'href="/account/orders/"' in page
