"""Delivery in batches over one SMTP connection (a real aiosmtpd server that
numbers its connections): a delivery task sends its email and the other due
ones on one connection, and one email refused or a connection dropped fails
or retries that email alone, the batch going on over a new connection."""

import re

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django_tasks import default_task_backend

from lojista.notifications.models import OutboxMessage
from lojista.notifications.order_kinds import ORDER_CONTACT, order_ref
from lojista.notifications.services import outbox
from lojista.orders.models import OrderEvent
from tests.notifications.factories import ADDRESS, make_order, place_order

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def queue_contacts(addresses: list[str]) -> list[OutboxMessage]:
    """One message per address, about one order, not yet delivered."""
    order = make_order()
    return [
        outbox.outbox_queue(
            kind=ORDER_CONTACT,
            recipients=[address],
            language="en",
            dedupe_key=f"contact:{address}",
            ref=order_ref(order, {"message": "Hello"}),
            order=order,
        )
        for address in addresses
    ]


def test_a_placement_s_two_emails_share_one_connection(shop, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place_order(email="ana@example.com")

    assert len(smtp.received) == 2
    assert smtp.connections == 1
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_one_task_sends_every_due_email_on_one_connection(shop, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        for i in range(5):
            place_order(email=f"buyer{i}@example.com")
    first = OutboxMessage.objects.order_by("pk").first()

    assert outbox.outbox_deliver(message_id=first.pk, batch=outbox.DELIVERY_BATCH) == "sent"

    assert len(smtp.received) == 10 and smtp.connections == 1
    rows = OutboxMessage.objects.all()
    assert {row.status for row in rows} == {Status.SENT}
    assert {item.message["Message-ID"] for item in smtp.received} == {row.message_id for row in rows}
    assert {row.attempts for row in rows} == {1}


def test_a_batch_takes_no_more_than_its_size(shop, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        for i in range(3):
            place_order(email=f"buyer{i}@example.com")
    first = OutboxMessage.objects.order_by("pk").first()

    outbox.outbox_deliver(message_id=first.pk, batch=4)

    assert len(smtp.received) == 4
    assert OutboxMessage.objects.filter(status=Status.READY, attempts=0).count() == 2


def test_a_refused_recipient_and_a_dropped_connection_hold_back_no_other_email(
    smtp, django_capture_on_commit_callbacks
):
    smtp.refuse["bia@example.com"] = "550 5.1.1 No such user"
    smtp.drop.add("dani@example.com")
    addresses = [
        "ana@example.com",
        "bia@example.com",
        "caio@example.com",
        "dani@example.com",
        "eva@example.com",
    ]
    with django_capture_on_commit_callbacks(execute=False):
        messages = queue_contacts(addresses)

    assert outbox.outbox_deliver(message_id=messages[0].pk, batch=outbox.DELIVERY_BATCH) == "sent"

    status = {row.recipients[0]: (row.status, row.attempts) for row in OutboxMessage.objects.all()}
    assert status == {
        "ana@example.com": (Status.SENT, 1),
        "bia@example.com": (Status.FAILED, 1),
        "caio@example.com": (Status.SENT, 1),
        "dani@example.com": (Status.READY, 1),  # dropped: retried later
        "eva@example.com": (Status.SENT, 1),
    }
    assert [item.rcpt_tos for item in smtp.received] == [
        ["ana@example.com"],
        ["caio@example.com"],
        ["eva@example.com"],
    ]
    # A new connection after each failure, the same one otherwise.
    assert [item.connection for item in smtp.received] == [1, 2, 3]

    smtp.drop.clear()
    OutboxMessage.objects.update(next_attempt_at=F("next_attempt_at") - outbox.MAX_RETRY_DELAY)
    dani = OutboxMessage.objects.get(status=Status.READY)
    assert outbox.outbox_deliver(message_id=dani.pk, batch=outbox.DELIVERY_BATCH) == "sent"
    assert smtp.to("dani@example.com")[0].message["Message-ID"] == dani.message_id


def test_a_batch_out_of_time_hands_its_unsent_emails_back(smtp, monkeypatch, settings):
    # Enqueued tasks are kept, not run: what is handed back waits for its task.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    messages = queue_contacts(["ana@example.com", "bia@example.com", "caio@example.com"])
    smtp.delay = 0.2
    monkeypatch.setattr(outbox, "BATCH_SECONDS", 0.1)

    assert outbox.outbox_deliver(message_id=messages[0].pk, batch=outbox.DELIVERY_BATCH) == "sent"

    status = {row.recipients[0]: (row.status, row.attempts) for row in OutboxMessage.objects.all()}
    assert status == {
        "ana@example.com": (Status.SENT, 1),
        "bia@example.com": (Status.READY, 0),
        "caio@example.com": (Status.READY, 0),
    }
    smtp.delay = 0
    monkeypatch.setattr(outbox, "BATCH_SECONDS", 60)
    assert outbox.outbox_deliver(message_id=messages[1].pk, batch=outbox.DELIVERY_BATCH) == "sent"
    assert len(smtp.received) == 3


def test_a_batch_reads_its_orders_and_templates_once(shop, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        for i in range(5):
            place_order(email=f"buyer{i}@example.com")
    first = OutboxMessage.objects.order_by("pk").first()

    with CaptureQueriesContext(connection) as queries:
        outbox.outbox_deliver(message_id=first.pk, batch=outbox.DELIVERY_BATCH)

    assert len(smtp.received) == 10
    selects = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")]
    assert len([sql for sql in selects if 'FROM "orders_order"' in sql]) == 1
    assert len([sql for sql in selects if 'FROM "orders_orderline"' in sql]) == 1
    assert len([sql for sql in selects if 'FROM "notifications_emailtemplate"' in sql]) == 1


def test_a_placement_enqueues_one_task_for_its_two_emails(shop, settings, django_capture_on_commit_callbacks):
    """Each task costs the queue a claim and a record: one per placement, not
    one per email (bench/RESULTS.md, "emails")."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    with django_capture_on_commit_callbacks(execute=True):
        place_order(email="ana@example.com")

    [result] = default_task_backend.results
    new_order, confirmation = OutboxMessage.objects.order_by("pk")
    assert result.task.name == "deliver_outbox_message"
    assert (result.args, result.kwargs) == ([new_order.pk, [confirmation.pk]], {})


def test_the_emails_a_task_names_come_before_older_due_ones(shop, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        older = queue_contacts(["ana@example.com", "bia@example.com"])
        place_order(email="caio@example.com")
    new_order, confirmation = OutboxMessage.objects.filter(order__email="caio@example.com").order_by("pk")

    assert outbox.outbox_deliver(message_id=new_order.pk, also=[confirmation.pk], batch=2) == "sent"

    assert {item.message["Message-ID"] for item in smtp.received} == {
        new_order.message_id,
        confirmation.message_id,
    }
    assert set(
        OutboxMessage.objects.filter(pk__in=[m.pk for m in older]).values_list("status", flat=True)
    ) == {Status.READY}


def test_a_task_whose_first_email_is_taken_still_sends_the_others_it_names(
    shop, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        place_order(email="ana@example.com")
    new_order, confirmation = OutboxMessage.objects.order_by("pk")
    assert outbox._claim([new_order.pk], 1)  # another worker's batch took it

    assert outbox.outbox_deliver(message_id=new_order.pk, also=[confirmation.pk], batch=1) == "skipped"

    assert [item.rcpt_tos for item in smtp.received] == [["ana@example.com"]]
    assert OutboxMessage.objects.get(pk=confirmation.pk).status == Status.SENT
    assert OutboxMessage.objects.get(pk=new_order.pk).status == Status.SENDING  # the other worker's


def _statements_to_deliver(placements: int, capture) -> int:
    with capture(execute=False):
        for i in range(placements):
            place_order(email=f"buyer{placements}-{i}@example.com")
    first = OutboxMessage.objects.filter(status=Status.READY).order_by("pk").first()
    with CaptureQueriesContext(connection) as queries:
        outbox.outbox_deliver(message_id=first.pk, batch=outbox.DELIVERY_BATCH)
    return len(queries)


def test_each_email_of_a_batch_costs_a_fixed_number_of_statements(
    shop, smtp, django_capture_on_commit_callbacks
):
    """The batch's claim and reads are paid once; each email adds its record:
    on PostgreSQL one statement (the row and its "email sent" event together)."""
    two = _statements_to_deliver(2, django_capture_on_commit_callbacks)
    five = _statements_to_deliver(5, django_capture_on_commit_callbacks)

    assert len(smtp.received) == 14
    per_email = (five - two) / (10 - 4)
    # SQLite: UPDATE and INSERT inside a savepoint of the test's transaction.
    assert per_email == (1 if connection.vendor == "postgresql" else 4)
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 14
    assert OrderEvent.objects.filter(type=OrderEvent.Type.EMAIL_SENT).count() == 14


def test_a_worker_whose_email_was_taken_over_records_nothing(shop, smtp, django_capture_on_commit_callbacks):
    """Its lease ran out and another worker claimed the row: the late
    worker's "sent" changes neither the row nor the order's timeline."""
    with django_capture_on_commit_callbacks(execute=False):
        order = place_order(email="ana@example.com")
    message = OutboxMessage.objects.get(kind="order_confirmation")
    [late] = outbox._claim([message.pk], 1)
    OutboxMessage.objects.filter(pk=message.pk).update(claim="another-worker")

    outbox._record_sent(late, outbox._render(late, outbox._Batch.of([late])))

    row = OutboxMessage.objects.get(pk=message.pk)
    assert (row.status, row.claim, row.sent_at) == (Status.SENDING, "another-worker", None)
    assert not order.events.filter(type=OrderEvent.Type.EMAIL_SENT).exists()


def test_one_batch_writes_each_email_s_fixed_texts_in_its_own_language(
    shop, smtp, django_capture_on_commit_callbacks
):
    # The shipped templates' {% trans "…" %} are translated once per language
    # and kept: a batch alternating languages must not carry one into the other.
    languages = ["en", "pt-br", "en", "pt-br"]
    with django_capture_on_commit_callbacks(execute=False):
        for i, language in enumerate(languages):
            place_order(email=f"buyer{i}@example.com", language=language)
    first = OutboxMessage.objects.order_by("pk").first()

    outbox.outbox_deliver(message_id=first.pk, batch=outbox.DELIVERY_BATCH)

    for i, language in enumerate(languages):
        [email] = smtp.to(f"buyer{i}@example.com")
        label, other = (
            ("Shipping address", "Endereço de entrega")
            if language == "en"
            else ("Endereço de entrega", "Shipping address")
        )
        for content_type in ("text/plain", "text/html"):
            body = email.part(content_type)
            assert label in body and other not in body


def test_each_email_of_a_batch_has_a_boundary_of_its_own_that_no_part_holds(
    shop, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        for i in range(3):
            # A line that looks like the start of a boundary, in each body.
            place_order(email=f"buyer{i}@example.com", shipping_address={**ADDRESS, "name": f"--=_{i}"})
    first = OutboxMessage.objects.order_by("pk").first()

    outbox.outbox_deliver(message_id=first.pk, batch=outbox.DELIVERY_BATCH)

    boundaries = {item.message.get_boundary() for item in smtp.received}
    assert len(smtp.received) == 6 and len(boundaries) == 6
    for item in smtp.received:
        boundary = item.message.get_boundary()
        # 128 random bits, drawn as the email is sent.
        assert re.fullmatch("=_[0-9a-f]{32}", boundary)
        assert [part.get_content_type() for part in item.message.iter_parts()] == ["text/plain", "text/html"]
        for content_type in ("text/plain", "text/html"):
            assert boundary not in item.part(content_type)


def test_a_task_whose_emails_another_batch_took_costs_one_statement(
    shop, smtp, django_capture_on_commit_callbacks
):
    """Most tasks of a backlog find their emails sent by an earlier task's batch."""
    with django_capture_on_commit_callbacks(execute=False):
        place_order(email="ana@example.com")
        place_order(email="bia@example.com")
    first, _confirmation, new_order, confirmation = OutboxMessage.objects.order_by("pk")
    outbox.outbox_deliver(message_id=first.pk, batch=outbox.DELIVERY_BATCH)

    with CaptureQueriesContext(connection) as queries:
        outcome = outbox.outbox_deliver(
            message_id=new_order.pk, also=[confirmation.pk], batch=outbox.DELIVERY_BATCH
        )

    assert outcome == "skipped"
    assert len(queries) == 1
    assert len(smtp.received) == 4


def test_a_batch_is_claimed_with_its_named_emails_first_in_two_statements_on_postgresql(
    shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        older = queue_contacts(["ana@example.com", "bia@example.com", "caio@example.com"])
        place_order(email="dani@example.com")
    new_order, confirmation = OutboxMessage.objects.filter(order__email="dani@example.com").order_by("pk")

    with CaptureQueriesContext(connection) as queries:
        claimed = outbox._claim([confirmation.pk, new_order.pk], 4)

    assert [message.pk for message in claimed] == sorted(
        [new_order.pk, confirmation.pk, older[0].pk, older[1].pk]
    )
    assert {(message.status, message.attempts) for message in claimed} == {(Status.SENDING, 1)}
    assert len({message.claim for message in claimed}) == 1
    assert OutboxMessage.objects.get(pk=older[2].pk).status == Status.READY
    if connection.vendor == "postgresql":
        assert len(queries) == 2
