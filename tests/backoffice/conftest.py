"""Fixtures of the back office's Django tests: clients logged in as a staff
member or an owner (the root conftest's ``staff`` and ``owner``)."""

import pytest
from django.test import Client


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def customer_client(customer) -> Client:
    client = Client()
    client.force_login(customer)
    return client


@pytest.fixture(autouse=True)
def _shop_settings_in_cache(shop_settings_cached):
    """Every page reads the shop's settings, from the cache but for the first
    request after a save: query budgets count pages as they are served."""
