"""Fixtures of the back office's Django tests (the logged-in clients,
``staff_client``, ``owner_client`` and ``customer_client``, are the root
conftest's)."""

import pytest


@pytest.fixture(autouse=True)
def _shop_settings_in_cache(shop_settings_cached):
    """Every page reads the shop's settings, from the cache but for the first
    request after a save: query budgets count pages as they are served."""
