"""Fixtures shared by the whole suite."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test import Client
from django.utils import translation

from lojista.core.selectors import shop_settings
from lojista.customers.models import ApiToken, User
from tests.notifications.smtp import SmtpServer
from tests.payments.fake_stripe import SECRET_KEY, WEBHOOK_SECRET, FakeStripe

# The live server's listen queue is 10 connections (Django's runserver
# default); the race tests open 25 to 50 at once, and a connection turned away
# at the door would fail a test for a reason production (gunicorn's backlog of
# 2048) does not have.
WSGIServer.request_queue_size = 128


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Portuguese leaves Portuguese active in the thread (Django's
    LocaleMiddleware activates a language and nothing deactivates it): start
    every test from the shop's default language, as a new process would."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need row locks and real concurrency: on SQLite
    they are skipped *with a reason*; `make test` runs them on PostgreSQL."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run `make test` with TEST_DATABASE_URL set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters of one test must not count in the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def _cached_reads_last_the_test(monkeypatch):
    """The extension flags and the notification settings are cached for a few
    seconds (decision 210); a slow machine must not let a copy expire between
    two requests a query budget compares. Changes still show at once: every
    save makes the copy stale, which is what the tests prove."""
    monkeypatch.setattr("lojista.core.extensions.FLAGS_CACHE_SECONDS", 3600)
    monkeypatch.setattr("lojista.notifications.models.SETTINGS_CACHE_SECONDS", 3600)


@pytest.fixture
def shop_settings_cached(db) -> None:
    """The shop's settings read once, so they are in the cache (as for every
    request but the first after the owner saves them): for query budgets."""
    shop_settings()


@pytest.fixture
def api() -> Client:
    return Client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def customer(db) -> User:
    return User.objects.create_user("ana@example.com", "correct horse battery", name="Ana Souza")


@pytest.fixture
def customer_headers(customer) -> dict[str, str]:
    return bearer(ApiToken.issue(customer))


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user(
        "staff@example.com", "staff password 1", name="Sam Staff", is_staff=True, role=User.Role.STAFF
    )


@pytest.fixture
def staff_headers(staff) -> dict[str, str]:
    return bearer(ApiToken.issue(staff))


@pytest.fixture
def owner(db) -> User:
    return User.objects.create_superuser("owner@example.com", "owner password 1", name="Olga Owner")


@pytest.fixture
def owner_headers(owner) -> dict[str, str]:
    return bearer(ApiToken.issue(owner))


def logged_in(user: User) -> Client:
    """A test client with ``user``'s session, as after logging in."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff) -> Client:
    return logged_in(staff)


@pytest.fixture
def owner_client(owner) -> Client:
    return logged_in(owner)


@pytest.fixture
def customer_client(customer) -> Client:
    return logged_in(customer)


@pytest.fixture
def fake_stripe(settings):
    """A fake Stripe API on a free local port, with the Stripe settings
    pointing at it; ``.requests`` and ``.intents`` show what it was asked and
    holds, ``.sign(payload)`` signs a webhook body like Stripe."""
    fake = FakeStripe()
    fake.start()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def smtp(settings):
    """A running SMTP server that Django sends every email to."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
