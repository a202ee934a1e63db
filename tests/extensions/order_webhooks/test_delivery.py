"""Order events delivered to a real local HTTP receiver: the body is the
staff API's order, signed as docs/webhooks.md says; failures are retried on
the schedule, and an endpoint down for a day is turned off."""

import json
import os
import shutil
import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from lojista.extensions.order_webhooks import services
from lojista.extensions.order_webhooks.models import Delivery, Endpoint
from lojista.extensions.order_webhooks.tasks import sweep
from lojista.orders.services import order_place, order_refund_record, order_transition
from lojista.payments.models import Payment
from tests.extensions.order_webhooks.conftest import DOCS, documented_verify
from tests.orders.factories import checkout_for, payment_for, placed_order, stocked_variant

pytestmark = pytest.mark.django_db

Status = Delivery.Status


def staff_api_order(api, owner_headers, number: int) -> dict:
    response = api.get(f"/api/v1/admin/orders/{number}", headers=owner_headers)
    assert response.status_code == 200
    return response.json()


def assert_same_order(sent: dict, now: dict) -> None:
    """The order as sent is the API's order; the API's timeline may have
    grown since (the emails sent after the placement)."""
    assert {key: value for key, value in sent.items() if key != "events"} == {
        key: value for key, value in now.items() if key != "events"
    }
    assert sent["events"] == now["events"][: len(sent["events"])]


def offline_order():
    checkout = checkout_for({stocked_variant(): 1})
    payment = payment_for(checkout, status=Payment.Status.AWAITING, gateway=Payment.Gateway.OFFLINE)
    order, _created = order_place(checkout=checkout, payment=payment)
    return order


def test_a_placed_order_is_posted_signed_with_the_staff_api_order(
    endpoint, receiver, commit, api, owner, owner_headers
):
    order = commit(placed_order)

    [request] = receiver.wait_for(1)
    assert request.method == "POST" and request.path == "/hooks"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "Lojista-Webhooks/1"
    assert request.headers["lojista-event"] == "order.placed"
    verify = documented_verify()
    assert verify(endpoint.secret, request.body, request.headers["lojista-signature"])
    assert not verify(endpoint.secret, request.body + b" ", request.headers["lojista-signature"])
    assert not verify("whsec_another", request.body, request.headers["lojista-signature"])
    body = request.json()
    assert set(body) == {"id", "type", "created_at", "data"}
    assert body["type"] == "order.placed"
    assert body["id"] == request.headers["lojista-delivery"]
    assert body["data"]["order"]["number"] == order.number
    assert next(event["type"] for event in body["data"]["order"]["events"]) == "placed"
    assert_same_order(body["data"]["order"], staff_api_order(api, owner_headers, order.number))

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.SUCCEEDED, 1, 200)
    assert delivery.order_number == order.number and str(delivery.event_id) == body["id"]
    assert delivery.response_excerpt == '{"ok": true}'
    assert delivery.delivered_at is not None and delivery.duration_ms is not None
    assert json.loads(delivery.payload) == body


def test_a_status_change_is_posted_with_from_and_to(endpoint, receiver, commit, staff, api, owner_headers):
    order = placed_order()

    commit(order_transition, order=order, to="processed", actor=staff, tracking_url="https://track.example/1")

    [request] = receiver.wait_for(1)
    body = request.json()
    assert body["type"] == request.headers["lojista-event"] == "order.status_changed"
    assert (body["data"]["from_status"], body["data"]["to_status"]) == ("pending", "processed")
    assert body["data"]["order"]["status"] == "processed"
    assert body["data"]["order"]["tracking_url"] == "https://track.example/1"
    assert body["data"]["order"]["events"][-1]["type"] in {"status_changed", "email_queued"}
    assert_same_order(body["data"]["order"], staff_api_order(api, owner_headers, order.number))


def test_a_refund_recorded_by_hand_is_posted_with_the_refund(endpoint, receiver, commit, owner):
    order = offline_order()

    commit(order_refund_record, order=order, actor=owner, reference="TRANSFER-9")

    [request] = receiver.wait_for(1)
    body = request.json()
    assert body["type"] == "order.refunded"
    assert body["data"]["order"]["payment_status"] == "refunded"
    refund = body["data"]["refund"]
    assert refund["amount"] == {"amount": "30.00", "currency": "EUR"}
    assert (refund["reference"], refund["manual"]) == ("TRANSFER-9", True)


def test_a_card_refund_is_posted_once_the_gateway_refunded(endpoint, receiver, commit, staff):
    order = placed_order()  # paid with the test gateway

    commit(order_transition, order=order, to="cancelled", actor=staff, reason="customer_request")

    types = [body["type"] for body in receiver.bodies()]
    assert types == ["order.status_changed", "order.refunded"]
    refunded = receiver.bodies()[1]["data"]
    assert refunded["order"]["payment_status"] == "refunded"
    assert refunded["refund"]["manual"] is False


def test_only_subscribed_active_endpoints_get_an_event(installed, receiver, commit, staff):
    placed_only = Endpoint.objects.create(url=receiver.url + "?placed", events=["order.placed"])
    Endpoint.objects.create(url=receiver.url + "?off", events=["order.placed"], is_active=False)

    order = commit(placed_order)
    commit(order_transition, order=order, to="processed", actor=staff)

    assert [request.path for request in receiver.requests] == ["/hooks?placed"]
    assert list(Delivery.objects.values_list("endpoint", flat=True)) == [placed_only.pk]


def test_a_change_rolled_back_writes_and_sends_nothing(
    endpoint, receiver, django_capture_on_commit_callbacks, staff
):
    order = placed_order()
    Delivery.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        order_transition(order=order, to="processed", actor=staff)
        raise RuntimeError("rolled back")

    assert not Delivery.objects.exists()
    assert receiver.requests == []


def test_a_500_is_retried_after_the_backoff_with_the_same_event_then_succeeds(endpoint, receiver, commit):
    receiver.status = 500
    receiver.answer = b"boom"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        commit(placed_order)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.READY, 1, 500)
    assert delivery.last_error == "HTTP 500." and delivery.response_excerpt == "boom"
    assert delivery.next_attempt_at == start + timedelta(minutes=1)
    assert Endpoint.objects.get().consecutive_failures == 1

    # Not yet due: the sweep sends nothing.
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        sweep.enqueue()
    assert len(receiver.requests) == 1

    receiver.status = 200
    with time_machine.travel(start + timedelta(minutes=1) + services.SWEEP_GRACE, tick=False):
        sweep.enqueue()
        first, second = receiver.wait_for(2)
        verify = documented_verify()
        assert verify(endpoint.secret, second.body, second.headers["lojista-signature"])

    assert second.body == first.body  # the same event, frozen
    assert second.headers["lojista-delivery"] == first.headers["lojista-delivery"]
    assert second.headers["lojista-signature"] != first.headers["lojista-signature"]  # signed anew
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.SUCCEEDED, 2, 200)
    assert delivery.last_error == ""
    assert Endpoint.objects.get().consecutive_failures == 0


def test_eight_failed_attempts_over_the_schedule_fail_the_delivery(endpoint, receiver, commit):
    receiver.status = 503
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        commit(placed_order)
    for delay in services.RETRY_DELAYS:
        now += delay + services.SWEEP_GRACE
        with time_machine.travel(now, tick=False):
            sweep.enqueue()

    delivery = Delivery.objects.get()
    assert len(receiver.requests) == services.MAX_ATTEMPTS == 8
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 8)
    with time_machine.travel(now + timedelta(days=1), tick=False):
        sweep.enqueue()
    assert len(receiver.requests) == 8


def test_an_endpoint_failing_for_a_day_is_turned_off_with_the_reason(endpoint, receiver, commit):
    receiver.status = 500
    start = timezone.now()
    # A busy hour: 16 orders, 16 failed attempts, but not yet a day of failures.
    with time_machine.travel(start, tick=False):
        for _ in range(16):
            commit(placed_order)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 16

    with time_machine.travel(start + timedelta(hours=24, minutes=5), tick=False):
        sweep.enqueue()

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "attempts in a row failed" in endpoint.disabled_reason and "HTTP 500." in endpoint.disabled_reason
    assert endpoint.disabled_at is not None
    sent = len(receiver.requests)
    # Off: nothing new is written, nothing waiting is sent.
    with time_machine.travel(start + timedelta(days=2), tick=False):
        commit(placed_order)
        sweep.enqueue()
    assert len(receiver.requests) == sent
    assert Delivery.objects.count() == 16


def test_enabling_it_again_clears_the_failures_and_sends_what_waited(endpoint, receiver, commit):
    receiver.status = 500
    commit(placed_order)
    Endpoint.objects.update(is_active=False, disabled_reason="Turned off", consecutive_failures=20)
    receiver.status = 200

    endpoint = commit(services.endpoint_update, endpoint=endpoint, is_active=True)

    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_reason) == (True, 0, "")
    assert len(receiver.requests) == 2
    assert Delivery.objects.get().status == Status.SUCCEEDED


def test_retry_now_sends_a_failed_delivery_with_fresh_attempts(endpoint, receiver, commit):
    receiver.status = 500
    commit(placed_order)
    Delivery.objects.update(status=Status.FAILED, attempts=8)
    receiver.status = 204

    commit(services.delivery_retry, delivery=Delivery.objects.get())

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Status.SUCCEEDED, 1, 204)
    assert len(receiver.requests) == 2


def test_a_redirect_is_not_followed(endpoint, receiver, commit):
    receiver.status = 302

    commit(placed_order)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (Status.READY, 302)
    assert "redirects are not followed" in delivery.last_error


def test_a_long_answer_is_cut_to_one_kilobyte(endpoint, receiver, commit):
    receiver.answer = b"x" * 100_000

    commit(placed_order)

    assert Delivery.objects.get().response_excerpt == "x" * 1024


def test_a_refused_connection_is_a_failed_attempt(installed, receiver, commit):
    port = receiver.server.server_address[1]
    receiver.stop()
    Endpoint.objects.create(url=f"http://127.0.0.1:{port}/hooks", events=["order.placed"])

    commit(placed_order)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (Status.READY, None)
    assert delivery.last_error == "The connection was refused."


def test_old_deliveries_are_pruned_by_the_sweep(endpoint, receiver, commit):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        commit(placed_order)
    with time_machine.travel(start + timedelta(days=29), tick=False):
        commit(placed_order)

    with time_machine.travel(start + services.RETENTION + timedelta(minutes=1), tick=False):
        result = sweep.enqueue()

    assert result.return_value == {"enqueued": 0, "pruned": 1}
    assert Delivery.objects.count() == 1


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is not installed")
def test_the_documented_openssl_line_computes_the_signature(endpoint, receiver, commit, tmp_path):
    commit(placed_order)
    [request] = receiver.wait_for(1)
    fields = dict(part.split("=", 1) for part in request.headers["lojista-signature"].split(","))
    (tmp_path / "body.json").write_bytes(request.body)
    [line] = [line for line in DOCS.read_text().splitlines() if line.startswith("{ printf")]

    result = subprocess.run(
        ["bash", "-c", line],
        cwd=tmp_path,
        env={**os.environ, "T": fields["t"], "SECRET": endpoint.secret},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split("= ")[-1].strip() == fields["v1"]
