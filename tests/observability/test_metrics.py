"""/metrics: Prometheus's format, the shop's counters moving as things
happen, the gauges read from the database, and who may read it."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from lojista.core.models import ScheduledRun
from lojista.notifications.models import OutboxMessage
from lojista.observability import services
from lojista.observability.models import Heartbeat
from lojista.observability.services import heartbeat
from tests.completion.shop import complete, new_cart, open_shop, start_checkout, variant_with_stock
from tests.notifications.factories import place_order
from tests.observability.helpers import PUBLIC, scrape, value


@pytest.fixture
def anyone() -> Client:
    """A client on the public internet."""
    return Client(REMOTE_ADDR=PUBLIC)


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["93.184.216.34", "203.0.113.9", "100.64.0.1", "2001:db8::1"])
def test_a_public_address_gets_404_while_no_token_is_set(address):
    assert Client(REMOTE_ADDR=address).get("/metrics").status_code == 404


@pytest.mark.django_db
def test_a_request_through_a_proxy_is_public_even_from_loopback(client):
    response = client.get("/metrics", headers={"X-Forwarded-For": PUBLIC})
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.20.0.5", "192.168.0.7", "::1", "fd00::5"])
def test_loopback_and_private_addresses_may_scrape_while_no_token_is_set(address):
    assert Client(REMOTE_ADDR=address).get("/metrics").status_code == 200


@pytest.mark.django_db
def test_with_a_token_only_its_bearer_may_scrape(settings, anyone, client):
    settings.LOJISTA_METRICS_TOKEN = "s3cret-scrape-token"
    assert anyone.get("/metrics").status_code == 404
    assert anyone.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    # A private address no longer suffices once a token is set.
    assert client.get("/metrics").status_code == 404
    samples = scrape(anyone, headers={"Authorization": "Bearer s3cret-scrape-token"})
    assert ("lojista_outbox_ready", ()) in samples


@pytest.mark.django_db
def test_outbox_depth_and_age_count_only_ready_rows(client):
    def message(n: int, status: str, age: timedelta) -> None:
        OutboxMessage.objects.create(
            dedupe_key=f"m{n}",
            kind="order_confirmation",
            recipients=["ana@example.com"],
            language="en",
            status=status,
            message_id=f"<m{n}@shop>",
            created_at=timezone.now() - age,
        )

    assert value(scrape(client), "lojista_outbox_ready") == 0
    assert value(scrape(client), "lojista_outbox_oldest_ready_age_seconds") == 0
    message(1, OutboxMessage.Status.READY, timedelta(minutes=5))
    message(2, OutboxMessage.Status.READY, timedelta(minutes=1))
    message(3, OutboxMessage.Status.SENT, timedelta(hours=3))
    message(4, OutboxMessage.Status.FAILED, timedelta(hours=3))

    samples = scrape(client)

    assert value(samples, "lojista_outbox_ready") == 2
    assert 300 <= value(samples, "lojista_outbox_oldest_ready_age_seconds") < 330


@pytest.mark.django_db
def test_an_email_sent_and_an_order_placed_move_their_counters(
    client, smtp, django_capture_on_commit_callbacks
):
    before = scrape(client)
    with django_capture_on_commit_callbacks(execute=True):
        place_order(email="ana@example.com")
    after = scrape(client)

    assert len(smtp.received) == 1  # the customer's confirmation (no merchant address set)
    assert value(after, "lojista_emails_sent_total") == value(before, "lojista_emails_sent_total") + 1
    assert value(after, "lojista_orders_placed_total") == value(before, "lojista_orders_placed_total") + 1
    assert value(after, "lojista_emails_failed_total") == value(before, "lojista_emails_failed_total")


@pytest.mark.django_db
def test_an_order_rolled_back_is_not_counted(client):
    before = value(scrape(client), "lojista_orders_placed_total")
    with pytest.raises(RuntimeError), transaction.atomic():
        place_order(email="ana@example.com")
        raise RuntimeError("the placement fails after the signal")
    assert value(scrape(client), "lojista_orders_placed_total") == before


@pytest.fixture
def fresh_heartbeats(monkeypatch):
    """Forget this process's last beats (written at most every 10 s)."""
    monkeypatch.setattr(services, "_last_beats", {})


@pytest.mark.django_db
def test_a_task_run_by_a_worker_beats_for_its_queue(
    client, smtp, fresh_heartbeats, django_capture_on_commit_callbacks
):
    assert ("tasks:default",) not in {labels for (_name, labels) in scrape(client)}
    with django_capture_on_commit_callbacks(execute=True):
        place_order(email="ana@example.com")  # its email is delivered by a task

    beat = value(scrape(client), "lojista_worker_last_heartbeat_timestamp_seconds", worker="tasks:default")
    assert abs(beat - timezone.now().timestamp()) < 60


@pytest.mark.django_db
def test_a_worker_beats_at_most_every_ten_seconds(fresh_heartbeats, django_assert_num_queries):
    heartbeat(name="tasks:default")
    with django_assert_num_queries(0):
        heartbeat(name="tasks:default")


@pytest.mark.django_db
def test_the_scheduler_beats_when_it_enqueues(client):

    assert not [key for key in scrape(client) if ("worker", "scheduler") in key[1]]
    run = ScheduledRun.objects.create(
        task_path="lojista.inventory.tasks.release_expired_reservations", slot=1
    )

    beat = value(scrape(client), "lojista_worker_last_heartbeat_timestamp_seconds", worker="scheduler")
    assert beat == run.enqueued_at.timestamp()


@pytest.mark.django_db
def test_worker_heartbeats_are_read_from_the_database(client):
    heartbeat(name="tasks:default", force=True)
    samples = scrape(client)
    beat = Heartbeat.objects.get(name="tasks:default").beat_at.timestamp()
    assert value(samples, "lojista_worker_last_heartbeat_timestamp_seconds", worker="tasks:default") == beat


@pytest.mark.django_db(transaction=True)
def test_a_checkout_journey_counts_its_payment_order_and_refusals(client):
    """Through the API as a buyer does: a declined card is a checkout failure
    with the API's code, the second card pays and places the order."""
    open_shop()
    mug = variant_with_stock(5)
    before = scrape(client)
    checkout = start_checkout(client, new_cart(client, {mug: 1})).json()

    declined = complete(client, checkout["id"], token="tok_chargeDeclined")
    paid = complete(client, checkout["id"])

    assert (declined.status_code, paid.status_code) == (402, 201)
    after = scrape(client)

    def moved(name: str, **labels) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("lojista_checkout_failures_total", step="complete", code="payment_declined") == 1
    assert moved("lojista_payments_total", gateway="test", outcome="declined") == 1
    assert moved("lojista_payments_total", gateway="test", outcome="succeeded") == 1
    assert moved("lojista_orders_placed_total") == 1
