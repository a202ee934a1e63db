"""Register, log in, log out and /me, as a client of the API sees them."""

import pytest

from conftest import bearer
from lojista.customers.models import ApiToken, User, hash_token

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"

pytestmark = pytest.mark.django_db


def post(api, path, body, **extra):
    return api.post(path, body, content_type="application/json", **extra)


def register(api, headers=None, **overrides):
    body = {"email": "bia@example.com", "password": "a long enough passphrase", "name": "Bia Lima"}
    return post(api, REGISTER, {**body, **overrides}, headers=headers)


def field_errors(response) -> dict:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_input"
    return body["details"]["fields"]


# Registration


def test_register_creates_a_customer_and_answers_a_working_token(api):
    response = register(api)

    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(email="bia@example.com")
    assert body["customer"] == {
        "id": user.pk,
        "email": "bia@example.com",
        "name": "Bia Lima",
        "is_staff": False,
        "role": None,
        "language": "en",
    }
    assert user.check_password("a long enough passphrase")
    assert api.get(ME, headers=bearer(body["token"])).json()["email"] == "bia@example.com"


def test_register_stores_the_email_lowercased_and_stripped(api):
    response = register(api, email="  Bia@Example.COM ")

    assert response.status_code == 201
    assert response.json()["customer"]["email"] == "bia@example.com"
    assert User.objects.filter(email="bia@example.com").exists()


def test_register_remembers_the_language_of_the_request(api):
    response = register(api, headers={"Accept-Language": "pt-BR"})

    assert response.json()["customer"]["language"] == "pt-br"


def test_register_stores_only_a_hash_of_the_token(api):
    token = register(api).json()["token"]

    stored = ApiToken.objects.get(user__email="bia@example.com")
    assert stored.key_hash == hash_token(token)
    assert not ApiToken.objects.filter(key_hash=token).exists()


def test_register_with_a_taken_email_in_another_case_is_409(api, customer):
    response = register(api, email="ANA@example.com")

    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"
    assert response.json()["message"]
    assert User.objects.filter(email__iexact="ana@example.com").count() == 1


@pytest.mark.parametrize("email", ["not-an-email", "bia@", "@example.com", ""])
def test_register_with_an_invalid_email_is_422(api, email):
    fields = field_errors(register(api, email=email))

    assert fields["email"]
    assert not User.objects.exists()


def test_register_with_a_weak_password_lists_the_problems(api):
    fields = field_errors(register(api, password="12345"))

    assert len(fields["password"]) >= 2  # too short, too common, entirely numeric
    assert any("short" in message for message in fields["password"])
    assert not User.objects.exists()


def test_register_with_a_password_like_the_email_is_422(api):
    fields = field_errors(register(api, email="bialima2024@example.com", password="bialima2024"))

    assert any("similar" in message for message in fields["password"])


def test_register_reports_a_bad_email_and_a_weak_password_together(api):
    fields = field_errors(register(api, email="nope", password="short"))

    assert set(fields) == {"email", "password"}


def test_register_with_missing_fields_names_each_of_them(api):
    fields = field_errors(post(api, REGISTER, {}))

    assert set(fields) == {"email", "password", "name"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", 42), ("password", ["a", "list"]), ("name", {"first": "Bia"}), ("name", "")],
)
def test_register_with_a_wrong_type_or_empty_name_is_422(api, field, value):
    fields = field_errors(register(api, **{field: value}))

    assert field in fields
    assert not User.objects.exists()


def test_register_with_a_body_that_is_not_json_is_400(api):
    response = api.post(REGISTER, "email=bia", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert not User.objects.exists()


# Login


def test_login_answers_a_token_and_the_customer(api, customer):
    response = post(api, LOGIN, {"email": "ana@example.com", "password": "correct horse battery"})

    assert response.status_code == 200
    body = response.json()
    assert body["customer"]["id"] == customer.pk
    assert body["customer"]["name"] == "Ana Souza"
    assert api.get(ME, headers=bearer(body["token"])).status_code == 200


def test_login_ignores_the_case_of_the_email(api, customer):
    response = post(api, LOGIN, {"email": " ANA@Example.com", "password": "correct horse battery"})

    assert response.status_code == 200


def test_staff_log_in_with_the_same_endpoint(api, staff):
    response = post(api, LOGIN, {"email": "staff@example.com", "password": "staff password 1"})

    assert response.status_code == 200
    assert response.json()["customer"]["is_staff"] is True
    assert response.json()["customer"]["role"] == "staff"


def test_wrong_password_and_unknown_email_get_the_same_answer(api, customer):
    wrong_password = post(api, LOGIN, {"email": "ana@example.com", "password": "wrong"})
    unknown_email = post(api, LOGIN, {"email": "nobody@example.com", "password": "wrong"})

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_invalid_credentials_message_follows_accept_language(api, customer):
    response = post(
        api, LOGIN, {"email": "ana@example.com", "password": "wrong"}, headers={"Accept-Language": "pt-BR"}
    )

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["message"]


def test_a_deactivated_user_cannot_log_in_and_their_tokens_stop_working(api, customer, customer_headers):
    customer.is_active = False
    customer.save()

    login = post(api, LOGIN, {"email": "ana@example.com", "password": "correct horse battery"})

    assert login.status_code == 401
    assert login.json()["code"] == "invalid_credentials"
    assert api.get(ME, headers=customer_headers).status_code == 401


@pytest.mark.parametrize("body", [{}, {"email": "ana@example.com"}, {"email": 1, "password": 2}])
def test_login_with_missing_or_mistyped_fields_is_422(api, customer, body):
    fields = field_errors(post(api, LOGIN, body))

    assert fields


# Logout and /me


def test_logout_deletes_only_that_token(api, customer, customer_headers):
    other_headers = bearer(ApiToken.issue(customer))

    response = api.post(LOGOUT, headers=customer_headers)

    assert response.status_code == 204
    assert api.get(ME, headers=customer_headers).status_code == 401
    assert api.get(ME, headers=other_headers).status_code == 200
    assert ApiToken.objects.filter(user=customer).count() == 1


def test_logout_without_a_token_is_401(api):
    response = api.post(LOGOUT)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_answers_the_customer(api, staff, staff_headers):
    response = api.get(ME, headers=staff_headers)

    assert response.status_code == 200
    assert response.json() == {
        "id": staff.pk,
        "email": "staff@example.com",
        "name": "Sam Staff",
        "is_staff": True,
        "role": "staff",
        "language": None,
    }


@pytest.mark.parametrize("headers", [{}, bearer("not-a-token"), {"Authorization": "Basic abc"}])
def test_me_without_a_valid_token_is_401(api, headers):
    response = api.get(ME, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_error_responses_are_declared_in_openapi(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]

    assert {"201", "409", "422"} <= set(paths[REGISTER]["post"]["responses"])
    assert {"200", "401", "422", "429"} <= set(paths[LOGIN]["post"]["responses"])
    assert {"204", "401"} <= set(paths[LOGOUT]["post"]["responses"])
    assert {"200", "401"} <= set(paths[ME]["get"]["responses"])
