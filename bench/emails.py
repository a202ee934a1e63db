"""Email delivery: how many outbox emails per second one worker delivers to
a local SMTP server (aiosmtpd, on this machine).

Writes EMAILS outbox rows (a new-order email and a confirmation for each of
EMAILS / 2 orders, as placement does), then times one worker's loop over
them: claim, render (HTML + text), send over SMTP, record. The task queue's
own cost per task (one claim query with the database backend) is not in it.
"""

from decimal import Decimal

from bench.harness import setup_django, test_database, timed

EMAILS = 500


def _orders(count: int) -> list:
    from lojista.orders.models import Order, OrderLine

    orders = [
        Order.objects.create(
            number=10_000 + index,
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


def run() -> dict[str, str]:
    import logging

    from django.conf import settings
    from django.test.utils import override_settings

    from lojista.notifications.models import NotificationSettings, OutboxMessage
    from lojista.notifications.services import outbox_deliver
    from tests.notifications.smtp import SmtpServer

    shop = NotificationSettings.load()
    shop.order_notification_emails = ["orders@shop.example"]
    shop.save()
    rows = []
    for order in _orders(EMAILS // 2):
        for kind, recipient in (("new_order", "orders@shop.example"), ("order_confirmation", order.email)):
            rows.append(
                OutboxMessage(
                    dedupe_key=f"order:{order.number}:{kind}",
                    kind=kind,
                    order=order,
                    recipients=[recipient],
                    language=order.language or settings.LANGUAGE_CODE,
                    message_id=f"<{order.number}.{kind}@bench>",
                )
            )
    ids = [row.pk for row in OutboxMessage.objects.bulk_create(rows)]
    if any(pk is None for pk in ids):
        ids = list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True))

    # The SMTP server logs every command at INFO: not what is measured.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    server = SmtpServer()
    server.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=server.host,
            EMAIL_PORT=server.port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
        ):
            outcomes: list[str] = []
            seconds = timed(lambda: outcomes.extend(outbox_deliver(message_id=pk) for pk in ids))
    finally:
        server.stop()
    assert outcomes == ["sent"] * EMAILS, f"not all sent: {set(outcomes)}"
    assert len(server.received) == EMAILS
    return {"emails": str(EMAILS), "one worker: emails/s": f"{EMAILS / seconds:.0f}"}


if __name__ == "__main__":
    setup_django()
    with test_database() as vendor:
        for name, value in run().items():
            print(f"{vendor:10} {name:40} {value}")
