"""The whole schedule, with the clock under control: a checkout becomes
abandoned after the delay and not before, its hold is released, each step's
reminder arrives at its time (on the real SMTP server) and not before, and
the rules that stop them: an order, an unsubscribe, all items out of stock,
auto_send off, the extension uninstalled."""

from urllib.parse import urlparse

import pytest

from lojista.core.extensions import extension_install, extension_uninstall
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout, Reminder
from lojista.extensions.abandoned_checkouts.services import recovery_settings_update, unsubscribe
from lojista.extensions.abandoned_checkouts.tasks import sweep as sweep_task
from lojista.inventory.services import stock_adjust
from lojista.orders.models import Order
from tests.checkout.helpers import holds
from tests.extensions.abandoned_checkouts.recovery_helpers import (
    SCHEDULE,
    T0,
    at,
    begin_checkout,
    link_in,
    minutes,
    row_of,
    token_of,
)
from tests.orders.factories import placed_order

Status = AbandonedCheckout.Status


def subjects(smtp, email="ana@example.com") -> list[str]:
    return [received.subject for received in smtp.to(email)]


FIRST = "You left something in your cart at Lojista Demo Shop"
SECOND = "Your cart at Lojista Demo Shop is waiting for you"
LAST = "Last reminder: your cart at Lojista Demo Shop"


@pytest.fixture
def abandoned_at_t0(api, auto, mug):
    """A guest's checkout of 2 mugs, started at T0 - 60 minutes: abandoned at T0."""
    with at(T0 - minutes(60)):
        _token, checkout_id = begin_checkout(api, {mug: 2})
    return checkout_id


def test_abandoned_after_the_delay_not_before_and_its_hold_released(api, auto, mug, run, smtp):
    with at(T0):
        _token, checkout_id = begin_checkout(api, {mug: 2})
        row = row_of(checkout_id)
        assert (row.status, row.email, row.item_count, str(row.cart_value)) == (
            Status.WATCHING,
            "ana@example.com",
            2,
            "25.00",
        )
        assert holds(f"cart:{row.cart_id}") == {mug.pk: 2}

    with at(T0 + minutes(59)):
        assert run().abandoned == 0
    assert row_of(checkout_id).status == Status.WATCHING
    assert holds(f"cart:{row.cart_id}") == {mug.pk: 2}

    with at(T0 + minutes(60)):
        result = run()
    assert (result.abandoned, result.holds_released, result.reminders_sent) == (1, 1, 0)
    row = row_of(checkout_id)
    assert (row.status, row.abandoned_at) == (Status.ABANDONED, T0 + minutes(60))
    assert row.next_reminder_at == T0 + minutes(120)
    assert holds(f"cart:{row.cart_id}") == {}
    assert smtp.to("ana@example.com") == []


def test_each_step_is_sent_at_its_time_and_not_before(abandoned_at_t0, run, smtp):
    with at(T0):
        run()
    for offset, expected in [
        (59, []),
        (60, [FIRST]),
        (1439, [FIRST]),
        (1440, [FIRST, SECOND]),
        (4319, [FIRST, SECOND]),
        (4320, [FIRST, SECOND, LAST]),
        (4320 + 60 * 24 * 6, [FIRST, SECOND, LAST]),
    ]:
        with at(T0 + minutes(offset)):
            run()
        assert subjects(smtp) == expected, offset

    row = row_of(abandoned_at_t0)
    assert (row.status, row.reminders_sent, row.next_reminder_at) == (Status.REMINDED, 3, None)
    assert row.link_expires_at == T0 + minutes(4320) + minutes(7 * 24 * 60)
    assert sorted(Reminder.objects.values_list("step", flat=True)) == [0, 1, 2]

    with at(row.link_expires_at):
        assert run().expired == 1
    assert row_of(abandoned_at_t0).status == Status.EXPIRED


def test_the_reminder_shows_the_cart_its_link_and_the_unsubscribe_link(abandoned_at_t0, run, smtp):
    with at(T0):
        run()
    with at(T0 + minutes(60)):
        run()

    [email] = smtp.to("ana@example.com")
    text, html = email.part("text/plain"), email.part("text/html")
    assert "2 x Caneca: €25.00" in text or "2 x Caneca" in text
    assert "Caneca" in html and "Return to your cart" in html
    recover, unsubscribe_path = link_in(text, "recover"), link_in(text, "unsubscribe")
    assert recover.startswith("/cart/recover/") and unsubscribe_path.startswith("/emails/unsubscribe/")
    assert recover in html and unsubscribe_path in html
    assert "The link works for 7 days" in text


def test_the_mail_clients_unsubscribe_button_stops_the_reminders(abandoned_at_t0, run, smtp, client):
    """RFC 8058: the client POSTs ``List-Unsubscribe=One-Click`` to the URL of
    the List-Unsubscribe header, without cookies or a CSRF token."""
    with at(T0):
        run()
    with at(T0 + minutes(60)):
        run()

    [email] = smtp.to("ana@example.com")
    assert email.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(email.message["List-Unsubscribe"]).strip()  # folded: long
    assert header.startswith("<") and header.endswith(">")
    path = urlparse(header[1:-1]).path
    assert path == link_in(email.part("text/plain"), "unsubscribe")

    response = client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert row_of(abandoned_at_t0).status == Status.UNSUBSCRIBED
    with at(T0 + minutes(1440)):
        run()
    assert len(smtp.to("ana@example.com")) == 1


def test_no_reminder_after_an_order_by_the_same_email(abandoned_at_t0, run, smtp):
    with at(T0):
        run()
    with at(T0 + minutes(30)):
        # Another cart, same customer, email in capitals: they ordered.
        placed_order(email="ANA@example.com")
    with at(T0 + minutes(60)):
        run()
    with at(T0 + minutes(4320)):
        run()

    assert smtp.to("ana@example.com") == []
    row = row_of(abandoned_at_t0)
    assert (row.status, row.next_reminder_at, row.recovered_at) == (Status.ORDERED, None, None)
    assert row.order == Order.objects.get()


def test_no_reminder_after_an_order_placed_while_uninstalled(abandoned_at_t0, run, smtp):
    with at(T0):
        run()
    extension_uninstall(slug=SLUG)
    with at(T0 + minutes(30)):
        placed_order(email="ana@example.com")  # the receiver is off: the sweep finds it
    extension_install(slug=SLUG)
    with at(T0 + minutes(60)):
        result = run()

    assert (result.reminders_sent, result.reminders_skipped) == (0, 1)
    assert smtp.to("ana@example.com") == []
    assert row_of(abandoned_at_t0).status == Status.ORDERED


def test_no_reminder_after_unsubscribing(abandoned_at_t0, run, smtp):
    with at(T0):
        run()
    with at(T0 + minutes(60)):
        run()
    [first] = smtp.to("ana@example.com")

    assert unsubscribe(token=token_of(link_in(first.part("text/plain"), "unsubscribe"))) == "ana@example.com"
    with at(T0 + minutes(4320)):
        run()

    assert subjects(smtp) == [FIRST]
    assert row_of(abandoned_at_t0).status == Status.UNSUBSCRIBED


def test_an_unsubscribed_email_gets_no_reminder_for_a_later_checkout_either(api, auto, mug, run, smtp):
    with at(T0 - minutes(60)):
        begin_checkout(api, {mug: 1}, email="Ana@Example.com")
    with at(T0):
        run()
    with at(T0 + minutes(60)):
        run()
    [first] = smtp.to("Ana@example.com")
    unsubscribe(token=token_of(link_in(first.part("text/plain"), "unsubscribe")))

    with at(T0 + minutes(100)):
        _token, second_checkout = begin_checkout(api, {mug: 1}, email="ana@example.com")
    with at(T0 + minutes(160)):
        run()
    with at(T0 + minutes(4320)):
        run()

    assert len(smtp.received) == 1
    assert row_of(second_checkout).status == Status.UNSUBSCRIBED


def test_no_reminder_while_every_item_is_out_of_stock_and_the_next_step_when_back(
    abandoned_at_t0, run, smtp, mug
):
    with at(T0):
        run()
    stock_adjust(variant_id=mug.pk, delta=-5)
    with at(T0 + minutes(60)):
        result = run()
    assert (result.reminders_sent, result.reminders_skipped) == (0, 1)
    assert smtp.to("ana@example.com") == []

    stock_adjust(variant_id=mug.pk, delta=1)
    with at(T0 + minutes(1440)):
        run()
    assert subjects(smtp) == [SECOND]


def test_never_twice_for_one_step(abandoned_at_t0, run, smtp):
    with at(T0):
        run()
    with at(T0 + minutes(60)):
        run()
        run()
    row = row_of(abandoned_at_t0)
    # Even a row put back in time by a bug sends its step once: the constraint.
    AbandonedCheckout.objects.filter(pk=row.pk).update(next_step=0, next_reminder_at=T0)
    with at(T0 + minutes(61)):
        run()

    assert subjects(smtp) == [FIRST]
    assert Reminder.objects.filter(abandoned=row, step=0).count() == 1


def test_auto_send_off_sends_nothing_and_stops_a_sequence_at_once(abandoned_at_t0, run, smtp):
    with at(T0):
        run()
    with at(T0 + minutes(60)):
        run()
    recovery_settings_update(
        delay_minutes=60, auto_send=False, schedule_minutes=SCHEDULE, link_ttl_days=7, retention_days=90
    )
    with at(T0 + minutes(4320)):
        run()
    assert subjects(smtp) == [FIRST]


def test_with_auto_send_off_from_the_start_nothing_is_sent(api, installed, mug, run, smtp):
    with at(T0 - minutes(60)):
        _token, checkout_id = begin_checkout(api, {mug: 1})
    for offset in (0, 60, 1440, 4320):
        with at(T0 + minutes(offset)):
            run()

    assert smtp.received == []
    row = row_of(checkout_id)
    assert (row.status, row.next_reminder_at) == (Status.ABANDONED, None)


def test_uninstalled_mid_sequence_sends_nothing_more_and_reinstalled_resumes(
    abandoned_at_t0, run, smtp, django_capture_on_commit_callbacks
):
    with at(T0):
        run()
    with at(T0 + minutes(60)):
        run()

    extension_uninstall(slug=SLUG)
    with at(T0 + minutes(1440)):
        assert sweep_task.enqueue().return_value is None  # the task does nothing
        run()  # nor does the service send (checked before each send)
    assert subjects(smtp) == [FIRST]

    extension_install(slug=SLUG)
    with at(T0 + minutes(1441)), django_capture_on_commit_callbacks(execute=True):
        sweep_task.enqueue()
    assert subjects(smtp) == [FIRST, SECOND]


def test_several_abandoned_checkouts_of_one_email_get_one_sequence_for_the_latest(api, auto, mug, run, smtp):
    with at(T0 - minutes(90)):
        _token, older = begin_checkout(api, {mug: 1})
    with at(T0):
        run()
    with at(T0 - minutes(60) + minutes(45)):
        _token, newer = begin_checkout(api, {mug: 3})
    with at(T0 + minutes(45)):
        run()
    for offset in (60, 105, 1440, 1485, 4320, 4365):
        with at(T0 + minutes(offset)):
            run()

    assert subjects(smtp) == [FIRST, SECOND, LAST]
    assert row_of(older).reminders_sent == 0
    assert row_of(newer).reminders_sent == 3
    for email in smtp.to("ana@example.com"):
        assert "3 x Caneca" in email.part("text/plain")


def test_a_checkout_completed_in_time_is_never_abandoned(api, auto, mug, run):
    with at(T0 - minutes(60)):
        _token, checkout_id = begin_checkout(api, {mug: 1})
    from lojista.checkout.models import Checkout

    Checkout.objects.filter(pk=checkout_id).update(status=Checkout.Status.COMPLETED)
    with at(T0):
        assert run().completed == 1
    assert not AbandonedCheckout.objects.exists()


def test_a_newer_checkout_of_the_same_cart_replaces_the_watched_row(api, auto, mug, run):
    from tests.completion.shop import start_checkout

    with at(T0):
        token, first = begin_checkout(api, {mug: 1})
    with at(T0 + minutes(30)):
        second = start_checkout(api, token).json()["id"]

    assert list(AbandonedCheckout.objects.values_list("checkout_id", flat=True)) == [
        __import__("uuid").UUID(second)
    ]
    with at(T0 + minutes(60)):
        assert run().abandoned == 0
    with at(T0 + minutes(90)):
        assert run().abandoned == 1
    assert first != second
