"""What starting and completing a checkout cost, every statement counted as
Django's CaptureQueriesContext captures it (BEGIN, COMMIT and SAVEPOINT
included), the same for 1 and 30 lines. Emails are queued as in production
(one task row each), not delivered within the request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.completion.shop import complete, new_cart, open_shop, start_checkout, variant_with_stock

pytestmark = pytest.mark.django_db(transaction=True)

# The checkout with its shipping method and cart, its lines; the attempt's
# claim (one conditional UPDATE), the checkout's payments, the new payment;
# the gateway's answer; then the placement's transaction: BEGIN, completing
# the checkout, the sale (tracked variants, stock lock, others' holds,
# decrement, holds dropped), the number, the invoice number (a card order is
# paid), the order, its lines, the cart, the email settings, the outbox
# (already queued?, insert), the timeline, COMMIT; and the email's task row.
# Measured: 59 before issue 8, 23 after, 24 with invoice numbers (issue 10).
# +2 in issue 13: the order_placed receivers of the order-webhooks and the
# Abandoned checkouts extensions each check their install flag (one query
# each; uninstalled here, so nothing more). -3 in issue 14: the flags and
# the email settings are cached (decision 210).
COMPLETE_BUDGET = 23
# Start (16) and complete. Measured: 77 before issue 8, 39 after, 40 in issue
# 10; +3 in issue 13: the install flags of the order-webhooks receiver (on
# order_placed) and of the Abandoned checkouts receivers (on checkout_started
# and on order_placed); -2 in issue 14 (start: the cart's lines with their
# variants in one query, the new checkout's lines not read back), -4 more
# (the flags and the email settings cached, decision 210).
START_AND_COMPLETE_BUDGET = 37


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    open_shop()


def start_and_complete(api, lines: int) -> tuple[int, int]:
    variants = [variant_with_stock(5, name=f"Item {n}") for n in range(lines)]
    token = new_cart(api, dict.fromkeys(variants, 1))
    with CaptureQueriesContext(connection) as started:
        checkout = start_checkout(api, token)
    assert checkout.status_code == 201, checkout.content
    with CaptureQueriesContext(connection) as completed:
        response = complete(api, checkout.json()["id"])
    assert response.status_code == 201, response.content
    assert len(response.json()["order"]["lines"]) == lines
    return len(started), len(completed)


@pytest.mark.parametrize("lines", [1, 30])
def test_complete_and_start_plus_complete_stay_within_budget(api, lines):
    start_and_complete(api, 1)  # the first order creates the order-number counter, reads the flags

    started, completed = start_and_complete(api, lines)

    assert completed <= COMPLETE_BUDGET
    assert started + completed <= START_AND_COMPLETE_BUDGET


def test_the_cost_is_the_same_for_1_and_30_lines(api):
    start_and_complete(api, 1)

    assert start_and_complete(api, 1) == start_and_complete(api, 30)
