"""Wrong passwords sent all at once through real HTTP on PostgreSQL: the
throttle counts each attempt before checking the password, so at most the
limit of them are checked."""

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


def login(base: str, password: str) -> tuple[int, dict, str | None]:
    """(status, body, Retry-After) of one login through HTTP. A connection the
    test server's listen queue (10) turned away never reached the app: sent again."""
    for _ in range(5):
        try:
            return _login_once(base, password)
        except (ConnectionResetError, urllib.error.URLError) as error:
            if isinstance(error, urllib.error.HTTPError):
                raise
    raise AssertionError("the test server kept refusing connections")


def _login_once(base: str, password: str) -> tuple[int, dict, str | None]:
    request = urllib.request.Request(
        base + "/api/v1/auth/login",
        data=json.dumps({"email": "ana@example.com", "password": password}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
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
