"""The Django admin's login: the API's login throttle guards it too, and only
owners get in (plain staff work in the API)."""

import pytest
from django.test import Client

from lojista.customers.models import LoginFailure, User

LOGIN = "/admin/login/"
OWNER_PASSWORD = "owner passphrase 1"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.LOJISTA_LOGIN_MAX_FAILURES = 3
    settings.LOJISTA_LOGIN_FAILURE_WINDOW = 60


@pytest.fixture
def owner(db) -> User:
    return User.objects.create_user(
        "owner@example.com",
        OWNER_PASSWORD,
        name="Olga Owner",
        is_staff=True,
        is_superuser=True,
        role=User.Role.OWNER,
    )


def admin_login(client: Client, email: str, password: str, address: str = "192.0.2.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def is_in_admin(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_an_owner_logs_in(owner):
    client = Client()

    response = admin_login(client, "OWNER@example.com", OWNER_PASSWORD)

    assert response.status_code == 302
    assert is_in_admin(client)


def test_wrong_passwords_are_throttled_and_then_the_right_one_is_refused_too(owner):
    client = Client()
    for _ in range(3):
        assert admin_login(client, "owner@example.com", "wrong").status_code == 200

    refused = admin_login(client, "owner@example.com", OWNER_PASSWORD)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert b"Too many failed login attempts" in refused.content
    assert not is_in_admin(client)


def test_the_api_and_the_admin_share_one_count(api, owner):
    for _ in range(3):
        response = api.post(
            "/api/v1/auth/login",
            {"email": "owner@example.com", "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR="192.0.2.1",
        )
        assert response.status_code == 401

    assert (
        admin_login(Client(), "owner@example.com", OWNER_PASSWORD, address="198.51.100.1").status_code == 429
    )


def test_an_owners_login_clears_their_failures(owner):
    client = Client()
    admin_login(client, "owner@example.com", "wrong")

    assert admin_login(client, "owner@example.com", OWNER_PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(email="owner@example.com").exists()


def test_plain_staff_cannot_log_in_with_their_right_password(staff):
    client = Client()

    response = admin_login(client, "staff@example.com", "staff password 1")

    assert response.status_code == 200
    assert b"Please enter the correct" in response.content
    assert not is_in_admin(client)
    # It counts as a failure: staff cannot probe the admin without limit.
    assert LoginFailure.objects.filter(email="staff@example.com").count() == 1


def test_plain_staff_with_a_session_still_see_no_admin_page(staff):
    client = Client()
    client.force_login(staff)

    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/customers/user/").status_code == 302
    assert client.get("/admin/catalog/product/").status_code == 302
