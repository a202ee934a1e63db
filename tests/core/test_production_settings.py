"""Production settings read from the environment: HTTPS (redirect and HSTS),
the file email backend's directory, and the safe defaults (secret key, test
gateway, SITE_URL). `check --deploy` and one email URL run
in a real process; the other cases execute lojista/settings.py in this one
with the environment set (the same code, a tenth of the time)."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]

# Whatever the developer's or CI's environment sets that these tests decide.
DECIDED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "ENV_FILE",
    "DJANGO_SETTINGS_MODULE",
    "EMAIL_URL",
    "SITE_URL",
    "TEST_GATEWAY_ENABLED",
    "ALLOW_TEST_GATEWAY_IN_PRODUCTION",
    # Set by tests/browser/conftest.py for Playwright's thread; production never has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DECIDED and not k.startswith("SECURE_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lojista.settings",
            "ENV_FILE": os.devnull,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "shop.example",
            "SITE_URL": "https://shop.example",
            **overrides,
        }
    )
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_of(env: dict[str, str], *names: str) -> dict:
    """``names`` as lojista/settings.py sets them under ``env``."""
    with pytest.MonkeyPatch.context() as patch:
        for name in set(os.environ) - set(env):
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        values = runpy.run_path(str(ROOT / "lojista" / "settings.py"))
    return {name: values.get(name) for name in names}


def test_check_deploy_is_clean_with_production_settings():
    """And with the test gateway off, as production has it, no warning about it."""
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_is_on_by_default_when_debug_is_off():
    values = settings_of(
        production_env(), "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER"
    )

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # a forged header is not trusted by default


def test_a_proxy_that_redirects_and_ends_tls_can_take_over():
    env = production_env(
        SECURE_SSL_REDIRECT="false", SECURE_PROXY_SSL_HEADER="true", SECURE_HSTS_SECONDS="300"
    )

    values = settings_of(env, "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER")

    assert values == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 300,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    }


def test_development_keeps_plain_http():
    values = settings_of(production_env(DEBUG="true"), "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")

    assert values == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0}


@pytest.mark.django_db
def test_plain_http_is_redirected_except_the_health_check(api, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600

    api_answer = api.get("/api/v1/products")
    health = api.get("/healthz")
    secure = api.get("/api/v1/products", secure=True)

    assert api_answer.status_code == 301
    assert api_answer["Location"] == "https://testserver/api/v1/products"
    assert health.status_code == 200
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=3600")


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_protocol_counts(api, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    assert api.get("/api/v1/products", headers={"X-Forwarded-Proto": "https"}).status_code == 200
    assert api.get("/api/v1/products").status_code == 301


def test_the_file_email_backend_writes_to_the_absolute_directory_of_the_url():
    script = (
        "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_FILE_PATH)"
    )

    result = run(["-c", script], production_env(EMAIL_URL="filemail:///srv/lojista/mail"))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/srv/lojista/mail"


@pytest.mark.parametrize(
    ("url", "path"),
    [("filemail:///tmp/shop%20mail", "/tmp/shop mail"), ("filemail://var/mail", str(ROOT / "var" / "mail"))],
)
def test_other_forms_of_the_file_email_url(url, path):
    values = settings_of(production_env(EMAIL_URL=url), "EMAIL_BACKEND", "EMAIL_FILE_PATH")

    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": path,
    }


def example_env_key() -> str:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return next(line.partition("=")[2] for line in lines if line.startswith("SECRET_KEY="))


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(example_env_key(), id="the .env.example placeholder"),
        pytest.param(secrets.token_urlsafe(30), id="shorter than 50"),
        pytest.param("django-insecure-" + secrets.token_urlsafe(64), id="startproject's prefix"),
        pytest.param("insecure-development-key-" + secrets.token_urlsafe(64), id="insecure prefix"),
        pytest.param("ab" * 40, id="too few different characters"),
    ],
)
def test_production_refuses_a_placeholder_or_short_secret_key(key):
    with pytest.raises(ImproperlyConfigured) as refusal:
        settings_of(production_env(SECRET_KEY=key))

    assert "SECRET_KEY" in str(refusal.value)
    assert "secrets.token_urlsafe(64)" in str(refusal.value)  # says how to make one


def test_development_accepts_any_key_and_the_env_example_runs_the_demo():
    """`make install` copies .env.example to .env and `make run` sets DEBUG=true."""
    env = {**production_env(DEBUG="true", ENV_FILE=str(ROOT / ".env.example"))}
    del env["SECRET_KEY"], env["SITE_URL"]

    values = settings_of(env, "SECRET_KEY", "LOJISTA_TEST_GATEWAY_ENABLED", "LOJISTA_SITE_URL")

    assert values == {
        "SECRET_KEY": example_env_key(),
        "LOJISTA_TEST_GATEWAY_ENABLED": True,
        "LOJISTA_SITE_URL": "http://127.0.0.1:8000",
    }


def test_the_env_example_with_debug_off_does_not_start():
    env = {**production_env(DEBUG="false", ENV_FILE=str(ROOT / ".env.example"))}
    del env["SECRET_KEY"]

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is a placeholder"):
        settings_of(env)


def test_the_test_gateway_is_refused_with_debug_off():
    with pytest.raises(ImproperlyConfigured) as refusal:
        settings_of(production_env(TEST_GATEWAY_ENABLED="true"))

    assert "ALLOW_TEST_GATEWAY_IN_PRODUCTION=true" in str(refusal.value)


def test_the_test_gateway_is_off_by_default_with_debug_off():
    assert settings_of(production_env(), "LOJISTA_TEST_GATEWAY_ENABLED") == {
        "LOJISTA_TEST_GATEWAY_ENABLED": False
    }


def test_a_staging_run_may_force_the_test_gateway_and_check_deploy_warns():
    env = production_env(TEST_GATEWAY_ENABLED="true", ALLOW_TEST_GATEWAY_IN_PRODUCTION="true")

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    plain_check = run(["manage.py", "check", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert "lojista.payments.W001" in result.stderr + result.stdout
    assert "anyone can pay with a fake card" in result.stderr + result.stdout
    assert plain_check.returncode == 0, plain_check.stderr  # only the deploy checklist warns


def test_the_allowance_alone_does_not_turn_the_test_gateway_on():
    env = production_env(ALLOW_TEST_GATEWAY_IN_PRODUCTION="true")

    assert settings_of(env, "LOJISTA_TEST_GATEWAY_ENABLED") == {"LOJISTA_TEST_GATEWAY_ENABLED": False}


@pytest.mark.parametrize("site_url", ["", "shop.example", "ftp://shop.example"])
def test_production_requires_the_site_url(site_url):
    env = production_env(SITE_URL=site_url)
    if not site_url:
        del env["SITE_URL"]

    with pytest.raises(ImproperlyConfigured, match="SITE_URL must be the shop's public address"):
        settings_of(env)


def test_the_site_url_is_what_production_sets():
    values = settings_of(production_env(SITE_URL="https://shop.example"), "LOJISTA_SITE_URL")

    assert values == {"LOJISTA_SITE_URL": "https://shop.example"}


def test_postgresql_statements_are_prepared_only_when_asked():
    url = {"DATABASE_URL": "postgres://shop@db.example:5432/shop"}

    default = settings_of(production_env(**url), "DATABASES")["DATABASES"]["default"]["OPTIONS"]
    asked = settings_of(production_env(**url, DATABASE_PREPARED_STATEMENTS="true"), "DATABASES")
    sqlite = settings_of(production_env(DATABASE_URL="sqlite:////tmp/shop.sqlite3"), "DATABASES")

    assert default["server_side_binding"] is False
    assert asked["DATABASES"]["default"]["OPTIONS"]["server_side_binding"] is True
    assert "server_side_binding" not in sqlite["DATABASES"]["default"]["OPTIONS"]
