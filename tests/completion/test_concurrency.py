"""Races through real HTTP against a live, multi-threaded server on PostgreSQL:
a flash sale, double taps, and Stripe's webhook racing the app."""

import json
import threading
import urllib.error
import urllib.request
import uuid
from collections import Counter

import pytest

from lojista.inventory.models import Stock
from lojista.orders.models import Order
from lojista.payments.models import Payment
from tests.completion.shop import ADDRESS, open_shop, variant_with_stock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def call(base: str, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def run_together(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(index: int) -> None:
        barrier.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def buy(base: str, variant_id: int) -> str:
    """One customer's whole journey; the code of the error that stopped it, or "ordered"."""
    status, cart = call(base, "POST", "/api/v1/carts")
    token = cart["token"]
    status, body = call(
        base, "POST", f"/api/v1/carts/{token}/lines", {"variant_id": variant_id, "quantity": 1}
    )
    if status != 200:
        return body.get("code", str(status))
    status, checkout = call(
        base,
        "POST",
        f"/api/v1/carts/{token}/checkout",
        {"email": "buyer@example.com", "shipping_address": ADDRESS, "shipping_method": "standard"},
    )
    if status != 201:
        return checkout.get("code", str(status))
    status, body = call(
        base,
        "POST",
        f"/api/v1/checkouts/{checkout['id']}/complete",
        {"payment_method": "test", "payment_token": "tok_visa"},
        {"Idempotency-Key": str(uuid.uuid4())},
    )
    return "ordered" if status == 201 else body.get("code", str(status))


def test_a_flash_sale_sells_exactly_the_stock(live_server):
    open_shop()
    mug = variant_with_stock(10)
    buyers_per_thread = 2  # 100 buyers on 50 threads: within PostgreSQL's 100 connections

    outcomes = run_together(50, lambda i: [buy(live_server.url, mug.pk) for _ in range(buyers_per_thread)])

    tally = Counter(outcome for pair in outcomes for outcome in pair)
    # A buyer who arrives once every unit is held or sold sees the line at
    # quantity 0 and is told the cart cannot check out; one who races for the
    # last units is told the stock is insufficient. Nothing else may happen.
    assert tally["ordered"] == 10, tally
    assert tally["insufficient_stock"] + tally["cart_not_checkoutable"] == 90, tally
    assert Order.objects.count() == 10
    assert Stock.objects.get(variant=mug).quantity == 0
    assert sorted(Order.objects.values_list("number", flat=True)) == list(range(1001, 1011))


def test_twenty_taps_with_one_key_make_one_order_and_one_payment(live_server):
    open_shop()
    mug = variant_with_stock(5)
    base = live_server.url
    _, cart = call(base, "POST", "/api/v1/carts")
    call(base, "POST", f"/api/v1/carts/{cart['token']}/lines", {"variant_id": mug.pk, "quantity": 1})
    _, checkout = call(
        base,
        "POST",
        f"/api/v1/carts/{cart['token']}/checkout",
        {"email": "buyer@example.com", "shipping_address": ADDRESS, "shipping_method": "standard"},
    )

    def tap(_: int) -> tuple[int, int | None]:
        status, body = call(
            base,
            "POST",
            f"/api/v1/checkouts/{checkout['id']}/complete",
            {"payment_method": "test", "payment_token": "tok_visa"},
            {"Idempotency-Key": "one-tap"},
        )
        return status, (body.get("order") or {}).get("number")

    results = run_together(20, tap)

    assert sorted(status for status, _ in results) == [200] * 19 + [201]
    assert {number for _, number in results} == {1001}
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Stock.objects.get(variant=mug).quantity == 4


def checkout_ready(base: str, variant_id: int) -> str:
    """A guest checkout of one unit of ``variant_id``, through the API; its id."""
    _, cart = call(base, "POST", "/api/v1/carts")
    call(base, "POST", f"/api/v1/carts/{cart['token']}/lines", {"variant_id": variant_id, "quantity": 1})
    _, checkout = call(
        base,
        "POST",
        f"/api/v1/carts/{cart['token']}/checkout",
        {"email": "buyer@example.com", "shipping_address": ADDRESS, "shipping_method": "standard"},
    )
    return checkout["id"]


def eight_taps_with_their_own_keys(base: str, checkout_id: str, body: dict) -> list[tuple[int, dict]]:
    """A client that makes a new Idempotency-Key per tap, tapped 8 times at once."""
    return run_together(
        8,
        lambda _: call(
            base,
            "POST",
            f"/api/v1/checkouts/{checkout_id}/complete",
            body,
            {"Idempotency-Key": str(uuid.uuid4())},
        ),
    )


def assert_one_order_and_the_others_refused(results: list[tuple[int, dict]]) -> None:
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 7, results
    number = Order.objects.get().number
    for status, body in results:
        if status == 409:
            assert body["code"] in ("payment_in_progress", "checkout_completed"), body
            if body["code"] == "checkout_completed":
                assert body["details"]["order_number"] == number


def test_eight_taps_with_their_own_keys_charge_the_test_card_once(live_server):
    open_shop()
    mug = variant_with_stock(5)
    checkout_id = checkout_ready(live_server.url, mug.pk)

    results = eight_taps_with_their_own_keys(
        live_server.url, checkout_id, {"payment_method": "test", "payment_token": "tok_visa"}
    )

    assert_one_order_and_the_others_refused(results)
    # A payment row is written only once the attempt holds the checkout, just
    # before the gateway is called: one row, one charge.
    assert list(Payment.objects.values_list("status", flat=True)) == ["succeeded"]
    assert Order.objects.get().payment == Payment.objects.get()
    assert Stock.objects.get(variant=mug).quantity == 4


def test_eight_taps_with_their_own_keys_charge_stripe_once(live_server, fake_stripe):
    open_shop()
    mug = variant_with_stock(5)
    checkout_id = checkout_ready(live_server.url, mug.pk)

    results = eight_taps_with_their_own_keys(
        live_server.url, checkout_id, {"payment_method": "stripe", "payment_token": "pm_card_visa"}
    )

    assert_one_order_and_the_others_refused(results)
    created = [r for r in fake_stripe.requests if r.method == "POST" and r.path == "/v1/payment_intents"]
    assert len(created) == 1
    assert [intent["status"] for intent in fake_stripe.intents.values()] == ["succeeded"]
    assert fake_stripe.refunds == []
    assert Payment.objects.get().status == "succeeded"


def test_a_tap_racing_a_paid_attempt_is_told_of_the_order_afterwards(live_server):
    open_shop()
    checkout_id = checkout_ready(live_server.url, variant_with_stock(5).pk)
    body = {"payment_method": "test", "payment_token": "tok_visa"}
    eight_taps_with_their_own_keys(live_server.url, checkout_id, body)

    status, answer = call(
        live_server.url,
        "POST",
        f"/api/v1/checkouts/{checkout_id}/complete",
        body,
        {"Idempotency-Key": "one-more-tap"},
    )

    assert (status, answer["code"]) == (409, "checkout_completed")
    assert answer["details"]["order_number"] == Order.objects.get().number
