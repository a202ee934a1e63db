"""Logging in to the back office: sessions with CSRF, the API's throttle,
staff only; logging out; changing one's password; one's language."""

import pytest
from django.test import Client

from lojista.customers.models import User

pytestmark = pytest.mark.django_db


def _log_in(client: Client, email: str, password: str, **extra):
    return client.post("/backoffice/login/", {"email": email, "password": password, **extra})


def test_staff_log_in_and_land_where_they_were_going(staff):
    client = Client()

    response = _log_in(client, "staff@example.com", "staff password 1", next="/backoffice/orders/?tab=all")

    assert response.status_code == 302
    assert response["Location"] == "/backoffice/orders/?tab=all"
    assert client.get("/backoffice/").status_code == 200


def test_a_next_outside_the_back_office_is_ignored(staff):
    response = _log_in(Client(), "staff@example.com", "staff password 1", next="https://evil.example/")

    assert response["Location"] == "/backoffice/"


def test_a_wrong_password_keeps_the_email_and_says_why(staff):
    response = _log_in(Client(), "staff@example.com", "nope")

    assert response.status_code == 401
    page = response.content.decode()
    assert "The email or password is incorrect" in page
    assert 'value="staff@example.com"' in page


def test_a_customer_cannot_log_in(customer):
    client = Client()

    response = _log_in(client, "ana@example.com", "correct horse battery")

    assert response.status_code == 401
    assert client.get("/backoffice/").status_code == 302


def test_login_needs_the_csrf_token(staff):
    client = Client(enforce_csrf_checks=True)

    assert _log_in(client, "staff@example.com", "staff password 1").status_code == 403


def test_login_is_throttled_like_the_api(staff, settings):
    settings.LOJISTA_LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(3):
        _log_in(client, "staff@example.com", "wrong")

    response = _log_in(client, "staff@example.com", "staff password 1")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many failed login attempts" in response.content.decode()


def test_logout_is_a_post(staff_client):
    assert staff_client.get("/backoffice/logout/").status_code == 405

    response = staff_client.post("/backoffice/logout/")

    assert response["Location"] == "/backoffice/login/"
    assert staff_client.get("/backoffice/").status_code == 302


def test_a_password_change_keeps_this_session_and_ends_the_others(staff):
    this, other = Client(), Client()
    for client in (this, other):
        _log_in(client, "staff@example.com", "staff password 1")

    response = this.post(
        "/backoffice/password/",
        {"current_password": "staff password 1", "new_password": "a much better passphrase"},
    )

    assert response.status_code == 302
    assert this.get("/backoffice/").status_code == 200
    assert other.get("/backoffice/").status_code == 302


def test_a_wrong_current_password_is_shown_beside_the_field(staff_client):
    response = staff_client.post(
        "/backoffice/password/", {"current_password": "nope", "new_password": "a much better passphrase"}
    )

    assert response.status_code == 400
    assert "The current password is incorrect." in response.content.decode()


def test_each_staff_member_chooses_their_language(staff, staff_client):
    assert '<html lang="en">' in staff_client.get("/backoffice/").content.decode()

    staff_client.post("/backoffice/language/", {"language": "pt-br", "next": "/backoffice/orders/"})

    staff.refresh_from_db()
    assert staff.language == "pt-br"
    page = staff_client.get("/backoffice/").content.decode()
    assert '<html lang="pt-br">' in page
    assert ">Pedidos</a>" in page


def test_the_back_office_speaks_the_shops_language_by_default(staff_client, settings):
    settings.LANGUAGE_CODE = "pt-br"

    page = staff_client.get("/backoffice/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert ">Pedidos</a>" in page


def test_an_unknown_language_is_refused(staff, staff_client):
    staff_client.post("/backoffice/language/", {"language": "xx"})

    staff.refresh_from_db()
    assert staff.language == ""
    assert User.objects.get(pk=staff.pk).language == ""
