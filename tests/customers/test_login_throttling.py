"""Repeated failed logins, per email and per client address, answer 429."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lojista.customers.models import LoginFailure

LOGIN = "/api/v1/auth/login"
GOOD_PASSWORD = "correct horse battery"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.LOJISTA_LOGIN_MAX_FAILURES = 3
    settings.LOJISTA_LOGIN_FAILURE_WINDOW = 60


def login(api, email="ana@example.com", password=GOOD_PASSWORD, address="192.0.2.1"):
    return api.post(
        LOGIN, {"email": email, "password": password}, content_type="application/json", REMOTE_ADDR=address
    )


def fail(api, times, **kwargs):
    for _ in range(times):
        assert login(api, password="wrong", **kwargs).status_code == 401


def assert_throttled(response):
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert response.json()["message"]
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    assert response.json()["details"]["retry_after"] == retry_after


def test_each_failure_is_recorded_with_email_and_address(api, customer):
    login(api, email="ANA@example.com", password="wrong", address="198.51.100.7")

    failure = LoginFailure.objects.get()
    assert (failure.email, failure.client_address) == ("ana@example.com", "198.51.100.7")


@pytest.mark.django_db(transaction=True)
def test_the_failure_row_is_committed_although_the_login_fails(api, customer):
    """No test transaction here: the row must be really committed."""
    assert login(api, password="wrong").status_code == 401

    assert LoginFailure.objects.count() == 1


def test_failures_for_one_email_from_many_addresses_throttle_that_email(api, customer):
    for number in range(3):
        fail(api, 1, address=f"192.0.2.{number}")

    assert_throttled(login(api, address="203.0.113.9"))
    assert login(api, email="nobody@example.com", password="wrong", address="203.0.113.9").status_code == 401


def test_failures_from_one_address_for_many_emails_throttle_that_address(api, customer):
    for number in range(3):
        fail(api, 1, email=f"guess{number}@example.com", address="192.0.2.66")

    assert_throttled(login(api, address="192.0.2.66"))
    assert login(api, address="192.0.2.67").status_code == 200


def test_a_throttled_attempt_does_not_check_the_password_or_count(api, customer):
    fail(api, 3)

    assert_throttled(login(api, password=GOOD_PASSWORD))
    assert_throttled(login(api, password="wrong"))
    assert LoginFailure.objects.count() == 3


def test_fewer_failures_than_the_limit_still_allow_a_login(api, customer):
    fail(api, 2)

    assert login(api).status_code == 200


def test_a_successful_login_clears_that_emails_failures(api, customer):
    fail(api, 2)
    assert login(api, address="198.51.100.1").status_code == 200
    fail(api, 2)

    assert login(api, address="198.51.100.1").status_code == 200
    assert LoginFailure.objects.filter(email="ana@example.com").count() == 0


def test_failures_older_than_the_window_do_not_count(api, customer):
    long_ago = timezone.now() - timedelta(seconds=61)
    LoginFailure.objects.bulk_create(
        LoginFailure(email="ana@example.com", client_address="192.0.2.1", created_at=long_ago)
        for _ in range(5)
    )

    assert login(api).status_code == 200


def test_retry_after_is_when_the_oldest_counted_failure_leaves_the_window(api, customer):
    now = timezone.now()
    LoginFailure.objects.bulk_create(
        LoginFailure(
            email="ana@example.com", client_address="192.0.2.1", created_at=now - timedelta(seconds=age)
        )
        for age in (55, 50, 40, 30)
    )

    response = login(api, address="203.0.113.9")

    # The three most recent failures count; the oldest of them (50 s ago)
    # leaves the 60 s window in 10 s.
    assert_throttled(response)
    assert int(response["Retry-After"]) in (10, 11)


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_address_is_throttled_apart(api, customer, settings):
    settings.LOJISTA_TRUSTED_PROXIES = 1
    settings.LOJISTA_LOGIN_MAX_FAILURES = 2

    def attempt(client_ip: str, email: str):
        return api.post(
            "/api/v1/auth/login",
            {"email": email, "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR="10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client_ip}",  # the leftmost entry is forgeable
        )

    assert attempt("203.0.113.1", "a@example.com").status_code == 401
    assert attempt("203.0.113.1", "b@example.com").status_code == 401
    assert attempt("203.0.113.1", "c@example.com").status_code == 429
    assert attempt("203.0.113.2", "d@example.com").status_code == 401
