"""The request id and the JSON request log (LOG_FORMAT=json)."""

import io
import json
import logging

import pytest

from lojista.core.request_log import JsonFormatter, RequestIdFilter
from tests.observability.helpers import run_django

pytestmark = pytest.mark.django_db

FIELDS = {"ts", "level", "request_id", "method", "path", "status", "duration_ms", "user_id", "remote_addr"}


@pytest.fixture
def log_lines():
    """Every record written during the test, as the json handler formats it:
    the settings' console handler's formatter and filter on a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    request_logger = logging.getLogger("lojista.request")
    level = request_logger.level
    request_logger.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        request_logger.setLevel(level)


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "lojista.request"]


def test_a_sane_incoming_request_id_comes_back_and_is_logged(client, log_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a9c21"})

    assert response["X-Request-ID"] == "edge-7f3a9c21"
    [line] = request_lines(log_lines())
    assert set(line) >= FIELDS
    assert line["request_id"] == "edge-7f3a9c21"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["level"] == "INFO"
    assert line["user_id"] is None
    assert line["remote_addr"] == "127.0.0.1"
    assert isinstance(line["duration_ms"], float)


@pytest.mark.parametrize(
    "incoming",
    [None, "", "short", "x" * 65, "abc def 12345", 'abcdefgh"}\n{"level":"ERROR"', "ünïcode-1234"],
)
def test_a_missing_or_insane_request_id_is_replaced_by_a_new_one(client, log_lines, incoming):
    headers = {} if incoming is None else {"X-Request-ID": incoming}
    first = client.get("/healthz", headers=headers)["X-Request-ID"]
    second = client.get("/healthz", headers=headers)["X-Request-ID"]

    assert len(first) == 32 and int(first, 16) >= 0  # uuid4 hex
    assert first != second
    assert [line["request_id"] for line in request_lines(log_lines())] == [first, second]


def test_each_line_is_one_json_object_and_holds_no_secrets(client, customer, log_lines):
    """Login with a password, a bearer token, cookies and a query token:
    none of their values reach the log."""
    password = "Pw-no-log-4729!"
    customer.set_password(password)
    customer.save()
    login = client.post(
        "/api/v1/auth/login",
        {"email": customer.email, "password": password},
        content_type="application/json",
    )
    assert login.status_code == 200, login.content
    token = login.json()["token"]
    client.cookies["sessionid"] = "cookie-value-not-for-logs"
    me = client.get(
        "/api/v1/me/cart?token=query-secret-9913",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert me.status_code == 200

    raw = json.dumps(log_lines())
    for secret in (password, token, "cookie-value-not-for-logs", "query-secret-9913"):
        assert secret not in raw
    login_line, me_line = request_lines(log_lines())
    assert (login_line["path"], login_line["status"]) == ("/api/v1/auth/login", 200)
    assert me_line["path"] == "/api/v1/me/cart"
    assert me_line["user_id"] == customer.pk


def test_other_records_written_during_a_request_carry_its_id(client, log_lines, monkeypatch):
    from lojista.core import views

    real = views.connection.cursor

    def cursor(*args, **kwargs):
        logging.getLogger("lojista.test").warning("inside the view")
        return real(*args, **kwargs)

    monkeypatch.setattr(views.connection, "cursor", cursor)
    response = client.get("/healthz", headers={"X-Request-ID": "trace-000111222"})

    inside = [line for line in log_lines() if line["message"] == "inside the view"]
    assert inside and all(line["request_id"] == "trace-000111222" for line in inside)
    assert response["X-Request-ID"] == "trace-000111222"
    # Outside any request, the id is null.
    logging.getLogger("lojista.test").warning("outside")
    assert [line["request_id"] for line in log_lines() if line["message"] == "outside"] == [None]


def sqlite_url(tmp_path) -> str:
    """A database of its own for the process (the test's may be in memory)."""
    return f"sqlite:///{tmp_path / 'log.sqlite3'}"


def test_log_format_json_makes_the_process_write_json_lines_to_stderr(tmp_path):
    """The settings' wiring, in a process of its own as the server runs."""
    result = run_django(
        "from django.test import Client\n"
        "Client().get('/healthz', headers={'X-Request-ID': 'from-nginx-42ab'})\n"
        "Client().get('/no-such-page?token=query-secret-5521')\n",
        LOG_FORMAT="json",
        DATABASE_URL=sqlite_url(tmp_path),
    )

    lines = [json.loads(line) for line in result.stderr.splitlines()]
    [request, not_found] = [line for line in lines if line["logger"] == "lojista.request"]
    assert set(request) >= FIELDS
    assert (request["path"], request["status"], request["request_id"]) == ("/healthz", 200, "from-nginx-42ab")
    assert (not_found["path"], not_found["status"]) == ("/no-such-page", 404)
    # Django's own "Not Found" warning is a JSON line too, with the same id.
    [warning] = [line for line in lines if line["logger"] == "django.request"]
    assert warning["request_id"] == not_found["request_id"]
    assert "query-secret-5521" not in result.stderr


def test_log_format_text_writes_no_request_line(tmp_path):
    result = run_django(
        "from django.test import Client\nassert Client().get('/healthz').status_code == 200\n",
        LOG_FORMAT="text",
        DATABASE_URL=sqlite_url(tmp_path),
    )
    assert "/healthz" not in result.stderr
