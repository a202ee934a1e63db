"""Session login for the web surfaces (back office, storefront) and the role
guards of their views, through tiny test pages (tests/customers/session_urls.py):
CSRF-protected, under the API login's throttle, with the guest cart merged."""

import pytest
from django.test import Client

from lojista.carts.models import Cart
from lojista.carts.services import cart_line_add
from lojista.customers.models import LoginFailure, User
from tests.catalog.factories import make_product, make_variant
from tests.customers.session_urls import CART_COOKIE

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.customers.session_urls")]

STAFF_LOGIN = "/test/staff/login/"
SHOP_LOGIN = "/test/shop/login/"
API_LOGIN = "/api/v1/auth/login"
STAFF_PASSWORD = "staff password 1"
CUSTOMER_PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.LOJISTA_LOGIN_MAX_FAILURES = 3
    settings.LOJISTA_LOGIN_FAILURE_WINDOW = 60


def staff_login(client: Client, email: str, password: str, *, path: str = STAFF_LOGIN, **extra):
    return client.post(path, {"email": email, "password": password}, REMOTE_ADDR="192.0.2.1", **extra)


def api_login(client: Client, email: str, password: str):
    return client.post(
        API_LOGIN,
        {"email": email, "password": password},
        content_type="application/json",
        REMOTE_ADDR="192.0.2.1",
    )


def logged_in_as(client: Client) -> str:
    return client.get("/test/whoami/").content.decode()


# Guards


@pytest.mark.parametrize("page", ["/test/staff/", "/test/owner/"])
def test_an_anonymous_visitor_is_sent_to_the_staff_login_and_back(page):
    response = Client().get(page + "?tab=pending")

    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/login/?next={page}%3Ftab%3Dpending"


def test_the_staff_login_url_is_a_setting_and_a_view_may_name_its_own(settings):
    settings.LOJISTA_STAFF_LOGIN_URL = "/backoffice/login/"

    assert Client().get("/test/staff/")["Location"] == "/backoffice/login/?next=/test/staff/"
    assert (
        Client().get("/test/elsewhere-guarded/")["Location"]
        == "/test/elsewhere/?next=/test/elsewhere-guarded/"
    )


@pytest.mark.parametrize(
    ("who", "staff_page", "owner_page"),
    [("customer", 403, 403), ("staff", 200, 403), ("owner", 200, 200)],
)
def test_each_role_opens_its_pages_and_is_refused_the_others(request, who, staff_page, owner_page):
    client = Client()
    client.force_login(request.getfixturevalue(who))

    assert client.get("/test/staff/").status_code == staff_page
    assert client.get("/test/owner/").status_code == owner_page


def test_the_staff_flag_without_a_role_opens_nothing():
    user = User.objects.create_user("flag@example.com", "a long passphrase", name="Flag", is_staff=True)
    client = Client()
    client.force_login(user)

    assert client.get("/test/staff/").status_code == 403


# Logging in


def test_a_staff_member_logs_in_and_is_sent_where_they_were_going(staff):
    client = Client()

    response = staff_login(
        client, "STAFF@example.com", STAFF_PASSWORD, path=STAFF_LOGIN + "?next=/test/staff/"
    )

    assert response.status_code == 302
    assert response["Location"] == "/test/staff/"
    assert client.get("/test/staff/").content == b"orders"
    staff.refresh_from_db()
    assert staff.last_login is not None


def test_logging_in_gives_the_session_a_new_key(staff):
    client = Client()
    client.get("/test/whoami/")
    client.session.save()  # an anonymous session exists before the login
    before = client.cookies["sessionid"].value

    staff_login(client, "staff@example.com", STAFF_PASSWORD)

    assert client.cookies["sessionid"].value != before


def test_the_login_form_is_csrf_protected(staff):
    client = Client(enforce_csrf_checks=True)

    refused = staff_login(client, "staff@example.com", STAFF_PASSWORD)

    assert refused.status_code == 403
    assert logged_in_as(client) == ""
    assert not LoginFailure.objects.exists()  # refused before the attempt counted

    token = client.get(STAFF_LOGIN).content.decode().split('value="')[1].split('"')[0]
    accepted = client.post(
        STAFF_LOGIN,
        {"email": "staff@example.com", "password": STAFF_PASSWORD, "csrfmiddlewaretoken": token},
        REMOTE_ADDR="192.0.2.1",
    )

    assert accepted.status_code == 302
    assert logged_in_as(client) == "staff@example.com"


def test_a_wrong_password_is_refused_and_counted(staff):
    client = Client()

    response = staff_login(client, "staff@example.com", "wrong")

    assert response.status_code == 401
    assert logged_in_as(client) == ""
    assert LoginFailure.objects.filter(email="staff@example.com").count() == 1


def test_a_customer_is_refused_at_the_staff_login_like_a_wrong_password(customer):
    client = Client()

    response = staff_login(client, "ana@example.com", CUSTOMER_PASSWORD)

    assert response.status_code == 401
    assert response.content == b"The email or password is incorrect."
    assert logged_in_as(client) == ""
    assert LoginFailure.objects.filter(email="ana@example.com").count() == 1


# One throttle for the API and the sessions


def test_failures_count_across_the_api_and_the_session_logins(staff):
    assert api_login(Client(), "staff@example.com", "wrong").status_code == 401
    assert staff_login(Client(), "staff@example.com", "wrong").status_code == 401
    assert api_login(Client(), "staff@example.com", "wrong").status_code == 401

    session = staff_login(Client(), "staff@example.com", STAFF_PASSWORD)
    api = api_login(Client(), "staff@example.com", STAFF_PASSWORD)

    assert session.status_code == 429
    assert 1 <= int(session["Retry-After"]) <= 60
    assert api.status_code == 429
    assert api.json()["code"] == "too_many_attempts"


def test_a_session_login_clears_the_failures_of_api_logins(staff):
    for _ in range(2):
        assert api_login(Client(), "staff@example.com", "wrong").status_code == 401

    assert staff_login(Client(), "staff@example.com", STAFF_PASSWORD).status_code == 302

    assert not LoginFailure.objects.filter(email="staff@example.com").exists()


def test_the_login_rate_limits_count_both_kinds_of_login(staff, settings):
    settings.LOJISTA_RATE_LIMITS_ENABLED = True
    settings.LOJISTA_RATE_LIMITS = {"login_email": "2/h"}

    assert api_login(Client(), "staff@example.com", STAFF_PASSWORD).status_code == 200
    assert staff_login(Client(), "staff@example.com", STAFF_PASSWORD).status_code == 302

    assert staff_login(Client(), "staff@example.com", STAFF_PASSWORD).status_code == 429
    assert api_login(Client(), "staff@example.com", STAFF_PASSWORD).json()["code"] == "rate_limited"


# The storefront's login


def test_a_customer_logs_in_to_the_storefront_with_their_guest_cart(customer):
    shirt = make_variant(make_product("Camiseta"), name="M", price="25.00", stock=5)
    guest = Cart.objects.create()
    cart_line_add(cart=guest, variant_id=shirt.pk, quantity=2)
    client = Client(enforce_csrf_checks=False)
    client.cookies[CART_COOKIE] = guest.token

    response = client.post(SHOP_LOGIN, {"email": "ana@example.com", "password": CUSTOMER_PASSWORD})

    assert response.status_code == 200
    assert response.json()["messages"] == ["1 item from your previous cart was added to your cart."]
    assert logged_in_as(client) == "ana@example.com"
    mine = Cart.objects.get(customer=customer, status=Cart.Status.OPEN)
    assert client.cookies[CART_COOKIE].value == mine.token
    assert dict(mine.lines.values_list("variant_id", "requested_quantity")) == {shirt.pk: 2}
    guest.refresh_from_db()
    assert guest.status == Cart.Status.MERGED


def test_a_failed_storefront_login_keeps_the_guest_cart(customer):
    guest = Cart.objects.create()
    client = Client()
    client.cookies[CART_COOKIE] = guest.token

    response = client.post(SHOP_LOGIN, {"email": "ana@example.com", "password": "wrong"})

    assert response.status_code == 401
    assert logged_in_as(client) == ""
    guest.refresh_from_db()
    assert guest.status == Cart.Status.OPEN
