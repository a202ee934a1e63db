"""Fixtures and steps shared by the engine's tests (the pages' tests have their own).

A customer's journey goes through the public API (cart, checkout), as an
app's would; the sweep is called as the periodic task calls it; emails are
delivered through the outbox to the real SMTP server fixture (``smtp``)."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest
import time_machine

from lojista.core.extensions import extension_install
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout
from lojista.extensions.abandoned_checkouts.services import (
    SweepResult,
    abandoned_checkouts_sweep,
    recovery_settings_update,
)
from tests.completion.shop import new_cart, open_shop, start_checkout, variant_with_stock

# A Monday noon: every schedule test starts here.
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SCHEDULE = [60, 1440, 4320]


def at(moment: datetime):
    """Stop the clock at ``moment`` (a context manager)."""
    return time_machine.travel(moment, tick=False)


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


@pytest.fixture
def installed(db):
    extension_install(slug=SLUG)


@pytest.fixture
def auto(installed):
    """Installed, reminders on, the default delay and schedule."""
    return recovery_settings_update(
        delay_minutes=60, auto_send=True, schedule_minutes=SCHEDULE, link_ttl_days=7, retention_days=90
    )


@pytest.fixture
def shop(db):
    open_shop()


@pytest.fixture
def mug(shop):
    return variant_with_stock(5, price="12.50", name="Caneca")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Sweep as the periodic task does, the outbox delivering what it queues
    once its transaction commits."""

    def sweep() -> SweepResult:
        with django_capture_on_commit_callbacks(execute=True):
            return abandoned_checkouts_sweep()

    return sweep


def begin_checkout(api, lines: dict, *, email: str = "ana@example.com", headers=None) -> tuple[str, str]:
    """A cart of ``lines`` and a checkout started from it: (cart token, checkout id)."""
    token = new_cart(api, lines, headers)
    response = start_checkout(api, token, headers, email=email)
    assert response.status_code == 201, response.content
    return token, response.json()["id"]


def row_of(checkout_id: str) -> AbandonedCheckout:
    return AbandonedCheckout.objects.get(checkout_id=checkout_id)


def link_in(text: str, name: str) -> str:
    """The path of the ``name`` link (recover, unsubscribe) in an email's text."""
    urls = re.findall(r"https?://\S+/", text)
    wanted = "cart/recover/" if name == "recover" else "emails/unsubscribe/"
    [found] = [url for url in urls if wanted in url]
    return urlparse(found).path


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def abandoned_row(
    *, email: str = "ana@example.com", variant=None, quantity: int = 1, **fields
) -> AbandonedCheckout:
    """An abandoned row written directly (no checkout behind it), for the
    list, the results and the purge."""
    items = []
    if variant is not None:
        items = [
            {
                "variant_id": variant.pk,
                "product_name": variant.product.name,
                "variant_name": variant.name,
                "sku": variant.sku,
                "unit_price": str(variant.price),
                "quantity": quantity,
            }
        ]
    fields.setdefault("abandoned_at", fields.get("started_at", T0))
    fields.setdefault("started_at", (fields["abandoned_at"] or T0) - timedelta(hours=1))
    fields.setdefault("status", AbandonedCheckout.Status.ABANDONED)
    return AbandonedCheckout.objects.create(
        email=email,
        email_key=email.lower(),
        name="Ana Souza",
        items=items,
        item_count=quantity if variant is not None else 0,
        currency=fields.pop("currency", "EUR"),
        cart_value=fields.pop("cart_value", "12.50"),
        due_at=fields.pop("due_at", fields["started_at"]),
        **fields,
    )
