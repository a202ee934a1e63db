"""Email delivery: how many outbox emails per second one worker, then two,
deliver to a local SMTP server (aiosmtpd, on this machine).

Writes EMAILS outbox rows (a new-order email and a confirmation for each of
EMAILS / 2 orders, as placement does), then runs what `db_worker` runs for
each row's task — `outbox_deliver(message_id=…, batch=DELIVERY_BATCH)`:
claim a batch, render (HTML + text), send over one SMTP connection, record
each outcome. Two workers are two processes taking the tasks in turn, as two
`db_worker` processes share one queue. The task queue's own cost per task
(one claim query with the database backend) is not in it.

The server is a sink in a process of its own that only keeps what it
receives's Message-IDs: what is measured is the workers, not the test
server's parsing, which in production runs on another machine. (Its own
process also keeps the workers from being forked out of a process running an
event loop thread, which can leave them without a server.)
"""

import multiprocessing
import re
from decimal import Decimal
from multiprocessing.connection import Connection

from bench.harness import setup_django, test_database, timed

EMAILS = 500
MESSAGE_ID = re.compile(rb"^Message-ID: (.+?)\r?$", re.MULTILINE | re.IGNORECASE)


class Sink:
    """An aiosmtpd handler that keeps each message's Message-ID, nothing else."""

    def __init__(self) -> None:
        self.message_ids: list[bytes] = []
        self.connections = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if not hasattr(session, "counted"):
            session.counted = True
            self.connections += 1
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.original_content)
        self.message_ids.append(found.group(1) if found else b"")
        return "250 OK"


def _orders(count: int, first_number: int) -> list:
    from lojista.orders.models import Order, OrderLine

    orders = [
        Order.objects.create(
            number=first_number + index,
            email=f"buyer{index}@example.com",
            language="pt-br" if index % 2 else "en",
            payment_status="paid",
            payment_method="test",
            currency="EUR",
            subtotal=Decimal("60.00"),
            shipping_price=Decimal("5.00"),
            total=Decimal("65.00"),
            shipping_address={"name": "Ana Souza", "line1": "Rua Augusta 100", "city": "São Paulo"},
            shipping_method_code="sedex",
            shipping_method_name="Sedex",
        )
        for index in range(count)
    ]
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product_name=f"Product {line}",
            sku=f"SKU-{line}",
            unit_price=Decimal("20.00"),
            quantity=1,
            line_total=Decimal("20.00"),
        )
        for order in orders
        for line in range(3)
    )
    return orders


def _fill(first_number: int) -> list[int]:
    """EMAILS due outbox rows, as placement writes them; their ids in queue order."""
    from django.conf import settings

    from lojista.notifications.models import OutboxMessage

    rows = []
    for order in _orders(EMAILS // 2, first_number):
        for kind, recipient in (("new_order", "orders@shop.example"), ("order_confirmation", order.email)):
            rows.append(
                OutboxMessage(
                    dedupe_key=f"order:{order.number}:{kind}",
                    kind=kind,
                    subject_type="order",
                    subject_id=str(order.pk),
                    order=order,
                    recipients=[recipient],
                    language=order.language or settings.LANGUAGE_CODE,
                    message_id=f"<{order.number}.{kind}@bench>",
                )
            )
    OutboxMessage.objects.bulk_create(rows)
    return list(
        OutboxMessage.objects.filter(order__number__gte=first_number)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _worker(ids: list[int]) -> None:
    from lojista.notifications.services.outbox import DELIVERY_BATCH, outbox_deliver

    for pk in ids:
        outbox_deliver(message_id=pk, batch=DELIVERY_BATCH)


def _run_workers(ids: list[int], workers: int) -> None:
    """``workers`` processes (forked, so they share the settings and the test
    database), each taking every ``workers``-th task of the queue."""
    from django.db import connections

    if workers == 1:
        _worker(ids)
        return
    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_worker, args=(ids[index::workers],)) for index in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        assert process.exitcode == 0, f"a worker failed ({process.exitcode})"


def _measure(workers: int, first_number: int, server: Connection) -> tuple[float, int]:
    """Emails per second of ``workers``, and the SMTP connections they used."""
    from lojista.notifications.models import OutboxMessage

    ids = _fill(first_number)
    seconds = timed(lambda: _run_workers(ids, workers))
    server.send("report")
    message_ids, connections = server.recv()
    sent = OutboxMessage.objects.filter(pk__in=ids, status=OutboxMessage.Status.SENT)
    assert sent.count() == EMAILS, f"{workers} worker(s): not all sent"
    expected = {message_id.encode() for message_id in sent.values_list("message_id", flat=True)}
    assert sorted(message_ids) == sorted(expected), f"{workers} worker(s): not each exactly once"
    return EMAILS / seconds, connections


def _serve(port: int, commands: Connection) -> None:
    """The SMTP sink, run in its own process and driven through ``commands``."""
    import logging

    from aiosmtpd.controller import Controller

    # The SMTP server logs every command at INFO: not what is measured.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    commands.send("ready")
    while (command := commands.recv()) != "stop":
        if command == "report":
            commands.send((list(sink.message_ids), sink.connections))
            sink.message_ids.clear()
            sink.connections = 0
    controller.stop()


def run() -> dict[str, str]:
    from django.test.utils import override_settings

    from lojista.notifications.models import NotificationSettings
    from tests.notifications.smtp import free_port

    shop = NotificationSettings.load()
    shop.order_notification_emails = ["orders@shop.example"]
    shop.save()

    port = free_port()
    commands, server_end = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(port, server_end), daemon=True)
    server.start()
    assert commands.recv() == "ready"
    figures = {"emails": str(EMAILS)}
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
        ):
            for workers, label, first_number in ((1, "one worker", 10_000), (2, "two workers", 20_000)):
                rate, connections = _measure(workers, first_number, commands)
                figures[f"{label}: emails/s"] = f"{rate:.0f}"
                figures[f"{label}: SMTP connections"] = str(connections)
    finally:
        commands.send("stop")
        server.join(timeout=10)
    return figures


if __name__ == "__main__":
    setup_django()
    with test_database() as vendor:
        for name, value in run().items():
            print(f"{vendor:10} {name:40} {value}")
