"""Wrong passwords sent all at once through real HTTP on PostgreSQL: the
throttle counts each attempt before checking the password, so at most the
limit of them are checked, at login and at a password change."""

import json
import urllib.error
import urllib.request
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import F

from lojista.customers.models import LoginFailure
from tests.completion.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

GOOD_PASSWORD = "correct horse battery"


def post(base: str, path: str, body: dict, headers: dict | None = None) -> tuple[int, dict, str | None]:
    """(status, body, Retry-After) of one POST through HTTP. A connection the
    test server's listen queue (10) turned away never reached the app: sent again."""
    for _ in range(5):
        try:
            return _post_once(base, path, body, headers or {})
        except (ConnectionResetError, urllib.error.URLError) as error:
            if isinstance(error, urllib.error.HTTPError):
                raise
    raise AssertionError("the test server kept refusing connections")


def login(base: str, password: str) -> tuple[int, dict, str | None]:
    return post(base, "/api/v1/auth/login", {"email": "ana@example.com", "password": password})


def _post_once(base: str, path: str, body: dict, headers: dict) -> tuple[int, dict, str | None]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), response.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers.get("Retry-After")


def test_twenty_five_wrong_passwords_at_once_check_at_most_ten(live_server, customer, settings):
    settings.LOJISTA_LOGIN_MAX_FAILURES = 10
    settings.LOJISTA_LOGIN_FAILURE_WINDOW = 15 * 60

    outcomes = run_together(25, lambda _: login(live_server.url, "wrong password"))

    tally = Counter(status for status, _, _ in outcomes)
    assert set(tally) <= {401, 429}, tally
    assert tally[401] <= 10, tally
    assert tally[401] == 10, "each attempt counted exactly: only those over the limit refused"
    assert {body["code"] for status, body, _ in outcomes if status == 429} == {"too_many_attempts"}
    # The right password is not even checked until the window passes.
    status, body, retry_after = login(live_server.url, GOOD_PASSWORD)
    assert (status, body["code"]) == (429, "too_many_attempts")
    assert retry_after is not None and 0 < int(retry_after) <= 15 * 60

    # The window passes: the failures are now older than it.
    LoginFailure.objects.update(created_at=F("created_at") - timedelta(seconds=15 * 60))
    status, _, _ = login(live_server.url, GOOD_PASSWORD)
    assert status == 200


def test_twenty_five_wrong_current_passwords_at_once_check_at_most_ten(
    live_server, customer_headers, settings
):
    """A stolen token must not allow guessing the password faster than logging in."""
    settings.LOJISTA_LOGIN_MAX_FAILURES = 10

    def change(_: int) -> tuple[int, dict, str | None]:
        body = {"current_password": "wrong password", "new_password": "a brand new passphrase"}
        return post(live_server.url, "/api/v1/me/password", body, customer_headers)

    outcomes = run_together(25, change)

    tally = Counter((status, body["code"]) for status, body, _ in outcomes)
    assert tally == {(422, "invalid_input"): 10, (429, "too_many_attempts"): 15}, tally
    status, body, _ = login(live_server.url, GOOD_PASSWORD)
    assert (status, body["code"]) == (429, "too_many_attempts")
