"""Password rules at registration, password change and createstaff, and the
password change itself."""

import io

import pytest
from django.core.management import CommandError, call_command

from conftest import bearer
from lojista.customers.models import ApiToken, LoginFailure, User

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
CHANGE = "/api/v1/me/password"
ME = "/api/v1/me"
CURRENT = "correct horse battery"  # the customer fixture's password
NEW = "a brand new passphrase"

pytestmark = pytest.mark.django_db

# Long enough for the length rule, not all digits, not in the common list.
FEW_CHARACTERS = ["          ", "\t\t\t\t\t\t\t\t\t\t", "aaaaaaaaaa", "ab ab ab ab ab", "     xyz     "]


def post(api, path, body, **extra):
    return api.post(path, body, content_type="application/json", **extra)


def field_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_input"
    return response.json()["details"]["fields"]


def change(api, headers, current=CURRENT, new=NEW, **extra):
    return post(api, CHANGE, {"current_password": current, "new_password": new}, headers=headers, **extra)


# The rules


@pytest.mark.parametrize("password", FEW_CHARACTERS)
def test_registering_with_too_few_different_characters_is_refused(api, password):
    response = post(api, REGISTER, {"email": "bia@example.com", "password": password, "name": "Bia"})

    assert (
        "Your password must contain at least 4 different characters, not counting spaces."
        in (field_errors(response)["password"])
    )
    assert not User.objects.exists()


def test_a_passphrase_with_spaces_is_fine(api):
    response = post(
        api, REGISTER, {"email": "bia@example.com", "password": "  four words here  ", "name": "Bia"}
    )

    assert response.status_code == 201


def test_a_password_like_the_name_is_refused(api):
    response = post(api, REGISTER, {"email": "bia@example.com", "password": "anasouza1", "name": "Ana Souza"})

    assert any("similar" in message for message in field_errors(response)["password"])


def test_the_rules_answer_in_the_request_language(api):
    response = post(
        api,
        REGISTER,
        {"email": "bia@example.com", "password": "12345", "name": "Bia"},
        headers={"Accept-Language": "pt-BR"},
    )

    assert any("senha" in message.lower() for message in field_errors(response)["password"])


@pytest.mark.parametrize("password", FEW_CHARACTERS[:3])
def test_createstaff_refuses_a_password_of_too_few_characters(monkeypatch, password):
    monkeypatch.setenv("LOJISTA_STAFF_PASSWORD", password)

    with pytest.raises(CommandError, match="different characters"):
        call_command("createstaff", "--email", "sam@shop.example", stdout=io.StringIO())
    assert not User.objects.exists()


# Changing the password


def test_changing_the_password_keeps_this_token_and_revokes_the_others(api, customer, customer_headers):
    other_device = bearer(ApiToken.issue(customer))

    response = change(api, customer_headers)

    assert response.status_code == 204
    assert api.get(ME, headers=customer_headers).status_code == 200
    assert api.get(ME, headers=other_device).status_code == 401
    assert post(api, LOGIN, {"email": customer.email, "password": NEW}).status_code == 200
    assert post(api, LOGIN, {"email": customer.email, "password": CURRENT}).status_code == 401


def test_a_wrong_current_password_is_refused_and_counted_as_a_failed_login(
    api, customer, customer_headers, settings
):
    settings.LOJISTA_LOGIN_MAX_FAILURES = 2
    other_device = bearer(ApiToken.issue(customer))

    first = change(api, customer_headers, current="not my password")

    assert list(field_errors(first)) == ["current_password"]
    assert first.json()["message"] == "The current password is incorrect."
    assert LoginFailure.objects.filter(email=customer.email).count() == 1
    change(api, customer_headers, current="still not it")
    throttled = change(api, customer_headers)  # even the right one, now
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "too_many_attempts"
    assert int(throttled["Retry-After"]) >= 1
    customer.refresh_from_db()
    assert customer.check_password(CURRENT)
    assert api.get(ME, headers=other_device).status_code == 200


@pytest.mark.parametrize("new", [*FEW_CHARACTERS, "short", "12345678901", "password123", "anasouza1"])
def test_a_weak_new_password_is_refused_and_changes_nothing(api, customer, customer_headers, new):
    other_device = bearer(ApiToken.issue(customer))

    fields = field_errors(change(api, customer_headers, new=new))

    assert list(fields) == ["new_password"]
    assert fields["new_password"]
    customer.refresh_from_db()
    assert customer.check_password(CURRENT)
    assert api.get(ME, headers=other_device).status_code == 200


@pytest.mark.parametrize(
    "body",
    [{}, {"current_password": CURRENT}, {"new_password": NEW}, {"current_password": 1, "new_password": NEW}],
)
def test_a_password_change_with_missing_or_mistyped_fields_is_422(api, customer, customer_headers, body):
    assert field_errors(post(api, CHANGE, body, headers=customer_headers))
    customer.refresh_from_db()
    assert customer.check_password(CURRENT)


def test_a_password_change_needs_a_token(api):
    response = change(api, {})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
