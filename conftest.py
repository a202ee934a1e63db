"""Fixtures shared by the whole suite."""

import pytest
from django.db import connection
from django.test import Client

from lojista.customers.models import ApiToken, User


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need row locks and real concurrency: on SQLite
    they are skipped *with a reason*; `make test` runs them on PostgreSQL."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run `make test` with TEST_DATABASE_URL set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


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
