"""The platform every endpoint stands on: health, OpenAPI, error format, language."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(api):
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_cannot_be_reached():
    """A real process pointed at a PostgreSQL port where nothing listens."""
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, r.content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503", result.stderr
    assert json.loads(body) == {"status": "unavailable"}


# A request naming no language reads the shop's (cached) language.
@pytest.mark.django_db
def test_openapi_document_and_docs_are_served(api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Lojista API"
    assert "/api/v1/products" in document["paths"]
    docs = api.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content


@pytest.mark.django_db
def test_validation_errors_use_the_contract_error_body(api):
    response = api.get("/api/v1/products", {"limit": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"]
    assert "limit" in body["details"]["fields"]


@pytest.mark.django_db
def test_not_found_uses_the_contract_error_body(api):
    response = api.get("/api/v1/products/no-such-product")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_error_messages_follow_accept_language(api):
    english = api.get("/api/v1/products/nope", headers={"Accept-Language": "en"}).json()
    portuguese = api.get("/api/v1/products/nope", headers={"Accept-Language": "pt-BR"}).json()
    assert english["message"] == "Not found."
    assert portuguese["message"] == "Não encontrado."
    assert portuguese["code"] == english["code"] == "not_found"


def test_secret_key_is_required_when_debug_is_off():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "lojista.settings"
    env["ENV_FILE"] = str(ROOT / "var" / "no-such.env")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_the_home_page_is_the_storefront(api):
    response = api.get("/")
    assert response.status_code == 200
    assert 'href="/cart/"' in response.content.decode()
