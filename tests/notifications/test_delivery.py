"""Emails delivered to a real SMTP server: placement, status changes, outages,
refusals, retries and crashed workers."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F

from lojista.notifications import services
from lojista.notifications.models import EmailTemplate, OutboxMessage
from lojista.notifications.services import outbox
from lojista.orders.models import Order, OrderEvent
from lojista.orders.services import order_transition
from lojista.orders.signals import order_placed
from tests.notifications.conftest import MERCHANT
from tests.notifications.factories import make_order, place_order

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


def travel(delta: timedelta) -> None:
    """Move the outbox ``delta`` into the past, as if that much time had gone by."""
    OutboxMessage.objects.update(next_attempt_at=F("next_attempt_at") - delta)


def later() -> timedelta:
    return outbox.LEASE + outbox.SWEEP_GRACE + timedelta(hours=12)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a transaction enqueues on commit (delivery, with the
    ImmediateBackend of the test settings)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def test_placing_an_order_emails_the_shop_and_the_customer(shop, smtp, commit):
    order = commit(place_order, email="ana@example.com")

    assert len(smtp.received) == 2
    [merchant] = smtp.to(MERCHANT[0])
    assert sorted(merchant.rcpt_tos) == sorted(MERCHANT)
    assert merchant.subject == f"New order #{order.number} (€65.00)"
    for part in ("text/plain", "text/html"):
        assert f"#{order.number}" in merchant.part(part)
        assert "Camiseta Lojista" in merchant.part(part)
        assert f"/backoffice/orders/{order.number}/" in merchant.part(part)
    [customer] = smtp.to("ana@example.com")
    assert customer.rcpt_tos == ["ana@example.com"]
    assert customer.subject == f"Order #{order.number} confirmed"
    assert customer.message["Content-Language"] == "en"
    assert customer.message["From"] == "Lojista Demo Shop <hello@shop.example>"
    for part in ("text/plain", "text/html"):
        body = customer.part(part)
        assert f"Thank you for your order #{order.number}" in body
        assert "Sedex" in body and "€65.00" in body and "Rua Augusta 100" in body
    assert 'src="https://shop.example/logo.png"' in customer.part("text/html")


def test_the_outbox_records_each_email_and_the_timeline_shows_it(shop, smtp, commit):
    order = commit(place_order, email="ana@example.com")

    messages = {message.kind: message for message in OutboxMessage.objects.all()}
    assert set(messages) == {"new_order", "order_confirmation"}
    confirmation = messages["order_confirmation"]
    assert (confirmation.status, confirmation.attempts) == (Status.SENT, 1)
    assert confirmation.sent_at is not None
    assert confirmation.dedupe_key == f"order:{order.number}:confirmation"
    [received] = smtp.to("ana@example.com")
    assert received.message["Message-ID"] == confirmation.message_id
    events = [(e.type, e.data["template"], e.data["recipients"]) for e in order.events.exclude(type="placed")]
    assert events == [
        ("email_queued", "new_order", MERCHANT),
        ("email_queued", "order_confirmation", ["ana@example.com"]),
        ("email_sent", "new_order", MERCHANT),
        ("email_sent", "order_confirmation", ["ana@example.com"]),
    ]


def test_without_notification_addresses_only_the_customer_is_emailed(db, smtp, commit):
    commit(place_order, email="ana@example.com")

    assert [item.rcpt_tos for item in smtp.received] == [["ana@example.com"]]


def test_the_same_placement_signalled_twice_emails_once(shop, smtp, commit):
    def place_twice():
        with transaction.atomic():
            order = make_order()
            order_placed.send(sender=Order, order=order)
            order_placed.send(sender=Order, order=order)

    commit(place_twice)

    assert OutboxMessage.objects.count() == 2
    assert len(smtp.received) == 2


def test_a_rolled_back_placement_sends_nothing(shop, smtp, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        order = make_order()
        order_placed.send(sender=Order, order=order)
        raise RuntimeError("payment provider exploded")

    assert callbacks == []
    assert not Order.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert smtp.received == []


@pytest.mark.parametrize(
    ("to", "changes", "subject", "says"),
    [
        (
            "processed",
            {"tracking_url": "https://track.example/XYZ"},
            "is on its way",
            "https://track.example/XYZ",
        ),
        ("cancelled", {"reason": "out_of_stock"}, "was cancelled", "Out of stock"),
    ],
)
def test_a_status_change_emails_the_customer(db, smtp, commit, to, changes, subject, says):
    order = make_order(email="ana@example.com")

    commit(order_transition, order=order, to=to, actor=None, **changes)

    [received] = smtp.received
    assert received.rcpt_tos == ["ana@example.com"]
    assert received.subject == f"Your order #{order.number} {subject}"
    assert says in received.part("text/plain")
    assert says in received.part("text/html")
    sent = order.events.get(type=OrderEvent.Type.EMAIL_SENT)
    assert sent.data["template"] == f"order_{to}"


def test_delivery_emails_the_customer(db, smtp, commit):
    order = make_order(email="ana@example.com")
    commit(order_transition, order=order, to="processed", actor=None)

    commit(order_transition, order=order, to="delivered", actor=None)

    assert [item.subject for item in smtp.received] == [
        f"Your order #{order.number} is on its way",
        f"Your order #{order.number} was delivered",
    ]
    assert "track" not in smtp.received[0].part("text/plain").lower()


def test_an_unticked_notify_sends_nothing(db, smtp, commit):
    order = make_order()

    commit(order_transition, order=order, to="cancelled", actor=None, reason="other", notify=False)

    assert smtp.received == []
    assert not OutboxMessage.objects.exists()


def test_orders_succeed_during_an_smtp_outage_and_every_email_arrives_once_after(shop, smtp, commit):
    smtp.stop()
    orders = [commit(place_order, email=f"buyer{i}@example.com") for i in range(3)]

    assert Order.objects.count() == 3
    assert OutboxMessage.objects.filter(status=Status.READY, attempts=1).count() == 6
    assert all("Connection refused" in m.last_error for m in OutboxMessage.objects.all())

    smtp.start()
    assert services.outbox_sweep() == 0  # not due yet
    travel(later())
    assert services.outbox_sweep() == 6
    travel(later())
    assert services.outbox_sweep() == 0

    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 6
    for i, order in enumerate(orders):
        [customer] = smtp.to(f"buyer{i}@example.com")
        assert f"#{order.number}" in customer.subject
    assert len(smtp.to(MERCHANT[0])) == 3
    assert len(smtp.received) == 6


def test_a_permanently_refused_address_fails_at_once(shop, smtp, commit):
    smtp.refuse["nobody@example.com"] = "550 5.1.1 No such user"
    order = commit(place_order, email="nobody@example.com")

    message = OutboxMessage.objects.get(kind="order_confirmation")
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert "550" in message.last_error
    failed = order.events.get(type=OrderEvent.Type.EMAIL_FAILED)
    assert failed.data["recipients"] == ["nobody@example.com"]
    assert "550" in failed.data["error"]
    travel(later())
    assert services.outbox_sweep() == 0
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 1
    assert len(smtp.received) == 1  # the shop's email went out


def test_a_temporary_refusal_is_retried_with_backoff_then_fails(db, smtp, commit, settings):
    settings.LOJISTA_EMAIL_MAX_ATTEMPTS = 3
    smtp.refuse["busy@example.com"] = "451 4.3.0 Try again later"
    commit(place_order, email="busy@example.com")
    message = OutboxMessage.objects.get()

    delays = []
    for _attempt in range(2):
        message.refresh_from_db()
        assert message.status == Status.READY
        delays.append(round((message.next_attempt_at - message.updated_at).total_seconds()))
        travel(later())
        services.outbox_sweep()

    message.refresh_from_db()
    assert delays == [30, 60]
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    assert "451" in message.last_error
    assert smtp.received == []


def test_retry_delays_double_up_to_a_cap(settings):
    settings.LOJISTA_EMAIL_RETRY_SECONDS = 30
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.retry_delay(30) == outbox.MAX_RETRY_DELAY


def test_two_workers_never_send_the_same_row(shop, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        place_order()
    message = OutboxMessage.objects.get(kind="order_confirmation")

    assert outbox._claim([message.pk], 1) == [message]
    assert outbox._claim([message.pk], 1) == []  # the other worker
    assert services.outbox_deliver(message_id=message.pk) == "skipped"
    assert smtp.received == []


def test_a_worker_killed_before_sending_loses_nothing(shop, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        orders = [place_order(email=f"buyer{i}@example.com") for i in range(3)]
    # A worker claims a batch of rows, then dies before sending any.
    for message in OutboxMessage.objects.all()[:4]:
        assert outbox._claim([message.pk], 1)

    assert services.outbox_sweep() == 0  # its lease runs
    travel(outbox.LEASE + outbox.SWEEP_GRACE)
    assert services.outbox_sweep() == 6

    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 6
    for i in range(len(orders)):
        assert len(smtp.to(f"buyer{i}@example.com")) == 1
    assert len(smtp.received) == 6


def test_a_worker_killed_after_the_server_accepted_sends_it_again_with_the_same_message_id(
    db, smtp, django_capture_on_commit_callbacks
):
    """The documented at-least-once edge (docs/emails.md)."""
    with django_capture_on_commit_callbacks(execute=False):
        place_order(email="ana@example.com")
    message = OutboxMessage.objects.get()
    [message] = outbox._claim([message.pk], 1)
    batch = outbox._Batch.of([message])
    rendered = outbox._render(message, batch)
    connection = outbox._connection()
    outbox._send(connection, outbox._email(message, rendered, batch))
    connection.close()
    # ...and the worker dies before recording it.

    travel(outbox.LEASE + outbox.SWEEP_GRACE)
    services.outbox_sweep()

    first, second = smtp.to("ana@example.com")
    assert first.message["Message-ID"] == second.message["Message-ID"] == message.message_id
    assert OutboxMessage.objects.get().status == Status.SENT


def test_a_broken_stored_template_falls_back_to_the_shipped_one(db, smtp, commit):
    EmailTemplate.objects.create(
        kind="order_confirmation", language="en", subject="{% if %}", body_text="{{", body_html="{% load x %}"
    )

    order = commit(place_order, email="ana@example.com")

    [received] = smtp.received
    assert received.subject == f"Order #{order.number} confirmed"
    assert OutboxMessage.objects.get().status == Status.SENT


def test_a_merchant_template_is_used(db, smtp, commit):
    EmailTemplate.objects.create(
        kind="order_confirmation",
        language="en",
        subject="Obrigado! #{{ order.number }}",
        body_text="Total {{ order.total }}. {{ settings.SECRET_KEY }}",
        body_html="<p>Hi {{ order.customer_name }}</p>",
    )

    order = commit(place_order, email="ana@example.com")

    [received] = smtp.received
    assert received.subject == f"Obrigado! #{order.number}"
    assert received.part("text/plain").strip() == "Total €65.00."
    assert "<p>Hi Ana Souza</p>" in received.part("text/html")


def test_the_customer_is_emailed_in_their_language_and_the_shop_in_its_own(shop, smtp, commit):
    order = commit(place_order, email="ana@example.com", language="pt-br")

    [customer] = smtp.to("ana@example.com")
    assert customer.subject == f"Pedido #{order.number} confirmado"
    assert customer.message["Content-Language"] == "pt-BR"
    for part in ("text/plain", "text/html"):
        body = customer.part(part)
        assert f"Já recebemos seu pedido #{order.number}" in body
        assert "€\xa065,00" in body and "Endereço de entrega" in body
    [merchant] = smtp.to(MERCHANT[0])
    assert merchant.subject == f"New order #{order.number} (€65.00)"
    assert merchant.message["Content-Language"] == "en"
