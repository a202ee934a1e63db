"""Keeps the cached shop settings (selectors.shop_settings) in step with the
row, however it is saved: the service, the admin, a test (connected to the
row's post_save and post_delete in CoreConfig.ready)."""

from typing import Any

from django.db import transaction

from lojista.core.selectors import forget_shop_settings


def shop_settings_changed(**kwargs: Any) -> None:
    # Now, so this transaction reads its own change, and again after the
    # commit, as another request may have cached the old row meanwhile.
    forget_shop_settings()
    transaction.on_commit(forget_shop_settings)
