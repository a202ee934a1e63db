"""Every answer under /api/ is `{code, message, details}` JSON, DEBUG on or off."""

import json
import logging

import pytest
from django.test import Client, RequestFactory

from lojista.api import api as lojista_api
from lojista.customers.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def client() -> Client:
    # As a real server would: an exception becomes a response, not a test error.
    return Client(raise_request_exception=False)


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert body["message"]
    assert "Traceback" not in response.content.decode()
    return body


def test_an_unknown_path_under_the_api_is_a_json_404(client, debug):
    error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    error(client.get("/api/no-version"), 404, "not_found")


def test_a_method_an_endpoint_does_not_have_is_a_json_405_with_allow(client, debug):
    response = client.delete("/api/v1/products")

    error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


def test_a_body_that_is_not_json_is_a_400(client, debug):
    response = client.post("/api/v1/auth/login", "{not json", content_type="application/json")

    error(response, 400, "bad_request")


def test_a_body_over_the_limit_is_a_413_and_creates_nothing(client, debug, settings):
    settings.LOJISTA_API_MAX_BODY_BYTES = 1000
    body = json.dumps({"email": "bia@example.com", "password": "a long passphrase 1", "name": "B" * 3000})

    response = client.post("/api/v1/auth/register", body, content_type="application/json")

    assert error(response, 413, "payload_too_large")["details"] == {"max_bytes": 1000}
    assert not User.objects.exists()


def test_a_3_mb_body_is_a_413_with_the_default_limit(client, debug):
    body = json.dumps({"email": "bia@example.com", "password": "x", "name": "B" * 3_000_000})

    error(
        client.post("/api/v1/auth/register", body, content_type="application/json"), 413, "payload_too_large"
    )


def test_djangos_own_upload_limit_is_a_413_too(client, debug, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"email": "bia@example.com", "password": "a long passphrase 1", "name": "B" * 3000})

    refused = error(
        client.post("/api/v1/auth/register", body, content_type="application/json"), 413, "payload_too_large"
    )
    assert refused["details"] == {"max_bytes": 1000}  # the limit that applies, Django's here


def test_a_content_length_that_is_not_a_number_is_a_400(client, debug):
    response = client.post("/api/v1/carts", CONTENT_LENGTH="lots")

    error(response, 400, "bad_request")


def test_a_crash_in_an_api_view_is_a_json_500_logged_with_its_traceback(caplog, debug):
    request = RequestFactory().get("/api/v1/products")

    with caplog.at_level(logging.ERROR, logger="lojista.api"):
        try:
            raise RuntimeError("secret detail of a bug")
        except RuntimeError as exc:
            response = lojista_api.on_exception(request, exc)

    body = error(response, 500, "server_error")
    assert "secret detail" not in json.dumps(body)
    assert "secret detail of a bug" in caplog.text
    assert "Traceback" in caplog.text


def test_a_crash_outside_the_api_views_is_a_json_500_too(client, debug, settings):
    settings.ROOT_URLCONF = "tests.core.crash_urls"

    response = client.get("/api/v1/test-crash")

    body = error(response, 500, "server_error")
    assert "secret detail" not in response.content.decode()
    assert body["details"] == {}


def test_errors_are_translated_even_when_answered_before_the_locale_middleware(client):
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "pt-BR"})

    assert response.json()["message"] != "Not found."


def test_pages_outside_the_api_keep_djangos_answers(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_the_openapi_document_lists_400_413_and_422_where_they_apply(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    register = paths["/api/v1/auth/register"]["post"]["responses"]
    product = paths["/api/v1/products/{slug}"]["get"]["responses"]
    assert {"400", "413", "422"} <= set(register)
    assert "422" in product
    assert "413" not in product


def test_the_rate_limited_endpoints_document_429(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    for path, method in [
        ("/api/v1/carts", "post"),
        ("/api/v1/carts/{token}/checkout", "post"),
        ("/api/v1/checkouts/{checkout_id}/complete", "post"),
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/login", "post"),
    ]:
        assert "429" in paths[path][method]["responses"], path
