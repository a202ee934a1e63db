"""API tokens: a sliding lifetime, a cap per user, logout and logout
everywhere, and the purge of expired tokens. Time is moved by setting
timestamps, never by sleeping."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.module_loading import import_string

from conftest import bearer
from lojista.customers.models import ApiToken, hash_token

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
LOGOUT_ALL = "/api/v1/auth/logout-all"
ME = "/api/v1/me"

pytestmark = pytest.mark.django_db


def last_used(raw: str, ago: timedelta) -> None:
    ApiToken.objects.filter(key_hash=hash_token(raw)).update(last_used_at=timezone.now() - ago)


def token_row(raw: str) -> ApiToken:
    return ApiToken.objects.get(key_hash=hash_token(raw))


def login(api, customer) -> str:
    response = api.post(
        LOGIN, {"email": customer.email, "password": "correct horse battery"}, content_type="application/json"
    )
    assert response.status_code == 200
    return response.json()["token"]


# Lifetime


def test_a_token_unused_for_longer_than_its_lifetime_has_expired(api, customer, settings):
    settings.LOJISTA_TOKEN_TTL_DAYS = 30
    raw = ApiToken.issue(customer)
    last_used(raw, timedelta(days=30, minutes=1))

    response = api.get(ME, headers=bearer(raw))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_each_use_extends_the_lifetime(api, customer, settings):
    settings.LOJISTA_TOKEN_TTL_DAYS = 30
    raw = ApiToken.issue(customer)
    last_used(raw, timedelta(days=29))

    assert api.get(ME, headers=bearer(raw)).status_code == 200
    assert token_row(raw).last_used_at > timezone.now() - timedelta(minutes=1)
    # Thirty days after its creation, but only two after its last use:
    ApiToken.objects.filter(key_hash=hash_token(raw)).update(created_at=timezone.now() - timedelta(days=31))
    last_used(raw, timedelta(days=2))
    assert api.get(ME, headers=bearer(raw)).status_code == 200


def test_the_last_use_is_written_at_most_once_a_minute(api, customer):
    raw = ApiToken.issue(customer)
    last_used(raw, timedelta(seconds=30))
    before = token_row(raw).last_used_at

    assert api.get(ME, headers=bearer(raw)).status_code == 200

    assert token_row(raw).last_used_at == before


def test_the_lifetime_is_a_setting(api, customer, settings):
    raw = ApiToken.issue(customer)
    last_used(raw, timedelta(days=3))
    settings.LOJISTA_TOKEN_TTL_DAYS = 2

    assert api.get(ME, headers=bearer(raw)).status_code == 401


# The cap


def test_a_login_beyond_the_cap_revokes_the_least_recently_used_token(api, customer, settings):
    settings.LOJISTA_TOKEN_MAX_PER_USER = 10
    tokens = [login(api, customer) for _ in range(10)]
    # The first token is still in daily use; the second has been idle longest.
    last_used(tokens[0], timedelta(minutes=0))
    for age, raw in enumerate(tokens[1:], start=1):
        last_used(raw, timedelta(days=20 - age))

    newest = login(api, customer)

    assert ApiToken.objects.filter(user=customer).count() == 10
    assert api.get(ME, headers=bearer(tokens[1])).status_code == 401
    for raw in [tokens[0], *tokens[2:], newest]:
        assert api.get(ME, headers=bearer(raw)).status_code == 200


def test_many_logins_never_pile_up_more_tokens_than_the_cap(api, customer, settings):
    settings.LOJISTA_TOKEN_MAX_PER_USER = 3
    tokens = [login(api, customer) for _ in range(8)]

    assert ApiToken.objects.filter(user=customer).count() == 3
    assert [api.get(ME, headers=bearer(raw)).status_code for raw in tokens] == [401] * 5 + [200] * 3


def test_the_cap_is_per_user(api, customer, staff):
    for _ in range(12):
        ApiToken.issue(staff)
    raw = ApiToken.issue(customer)

    assert api.get(ME, headers=bearer(raw)).status_code == 200
    assert ApiToken.objects.filter(user=staff).count() == 10


# Logging out


def test_logout_revokes_only_this_token(api, customer):
    this, other = ApiToken.issue(customer), ApiToken.issue(customer)

    assert api.post(LOGOUT, headers=bearer(this)).status_code == 204

    assert api.get(ME, headers=bearer(this)).status_code == 401
    assert api.get(ME, headers=bearer(other)).status_code == 200


def test_logout_everywhere_revokes_every_token_of_the_user_only(api, customer, staff):
    this, phone, laptop = (ApiToken.issue(customer) for _ in range(3))
    someone_else = ApiToken.issue(staff)

    response = api.post(LOGOUT_ALL, headers=bearer(this))

    assert response.status_code == 204
    for raw in (this, phone, laptop):
        assert api.get(ME, headers=bearer(raw)).status_code == 401
    assert api.get(ME, headers=bearer(someone_else)).status_code == 200
    assert login(api, customer)  # logging in again works


@pytest.mark.parametrize("headers", [{}, bearer("not-a-token")])
def test_logout_everywhere_needs_a_valid_token(api, customer, headers):
    kept = ApiToken.issue(customer)

    response = api.post(LOGOUT_ALL, headers=headers)

    assert response.status_code == 401
    assert api.get(ME, headers=bearer(kept)).status_code == 200


def test_an_expired_token_cannot_log_out_everywhere(api, customer):
    expired, kept = ApiToken.issue(customer), ApiToken.issue(customer)
    last_used(expired, timedelta(days=31))

    assert api.post(LOGOUT_ALL, headers=bearer(expired)).status_code == 401
    assert api.get(ME, headers=bearer(kept)).status_code == 200


# The purge


def test_the_periodic_purge_deletes_expired_tokens_only(customer, settings):
    settings.LOJISTA_TOKEN_TTL_DAYS = 30
    expired, live = ApiToken.issue(customer), ApiToken.issue(customer)
    last_used(expired, timedelta(days=31))
    last_used(live, timedelta(days=29))

    result = import_string("lojista.customers.tasks.purge_expired_tokens").enqueue()

    assert result.return_value == 1
    assert list(ApiToken.objects.values_list("key_hash", flat=True)) == [hash_token(live)]
