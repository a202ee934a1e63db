"""The recovery link and the unsubscribe link: a reminder's link restores the
cart (as much as is still sold), records the click, and an order from it is
counted as recovered, with an event on the order's timeline; a tampered,
expired or used link changes nothing."""

import pytest

from lojista.carts.models import Cart
from lojista.carts.selectors import OUT_OF_STOCK, cart_view
from lojista.carts.services import cart_for_customer, cart_line_add
from lojista.extensions.abandoned_checkouts.errors import RecoveryLinkInvalid, UnsubscribeLinkInvalid
from lojista.extensions.abandoned_checkouts.links import recovery_token, unsubscribe_token
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout, Unsubscribe
from lojista.extensions.abandoned_checkouts.services import recovery_link_open, resubscribe, unsubscribe
from lojista.inventory.services import stock_adjust
from lojista.orders.models import Order, OrderEvent
from tests.catalog.factories import make_product, make_variant
from tests.completion.shop import complete, start_checkout
from tests.extensions.abandoned_checkouts.recovery_helpers import (
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


@pytest.fixture
def reminded(api, auto, mug, run, smtp):
    """Ana's checkout of 2 mugs, abandoned at T0 and reminded at T0 + 60
    minutes; the recovery link's token, from the email she received."""
    with at(T0 - minutes(60)):
        _token, checkout_id = begin_checkout(api, {mug: 2})
    with at(T0):
        run()
    with at(T0 + minutes(60)):
        run()
    [email] = smtp.to("ana@example.com")
    return checkout_id, token_of(link_in(email.part("text/plain"), "recover"))


def snapshot(row: AbandonedCheckout) -> tuple:
    row.refresh_from_db()
    return (row.status, row.clicked_at, row.restored_cart_id, row.order_id, Cart.objects.count())


@pytest.mark.django_db(transaction=True)
def test_an_order_through_the_link_is_recovered_with_an_event_on_its_timeline(reminded, api, mug):
    checkout_id, token = reminded
    with at(T0 + minutes(120)):
        opened = recovery_link_open(token=token)
    row = row_of(checkout_id)
    assert (row.status, row.clicked_at, row.restored_cart_id) == (
        Status.CLICKED,
        T0 + minutes(120),
        opened.cart.pk,
    )
    assert str(opened.checkout_id) == checkout_id
    assert [(line.variant_id, line.quantity) for line in cart_view(cart=opened.cart).lines] == [(mug.pk, 2)]

    with at(T0 + minutes(125)):
        checkout = start_checkout(api, opened.cart.token).json()
        response = complete(api, checkout["id"])
    assert response.status_code == 201, response.content

    order = Order.objects.get()
    row = row_of(checkout_id)
    assert (row.status, row.order, row.recovered_at, row.recovered_total) == (
        Status.RECOVERED,
        order,
        order.created_at,
        order.total,
    )
    event = order.events.get(type=OrderEvent.Type.RECOVERED)
    assert event.data == {"abandoned_id": row.pk, "reminders": 1, "clicked": True}
    # The restored cart's own checkout was completed: its watched row goes at the sweep.
    assert AbandonedCheckout.objects.filter(status=Status.WATCHING).count() == 1


def test_a_second_click_reuses_the_restored_cart_and_keeps_the_first_click(reminded):
    checkout_id, token = reminded
    with at(T0 + minutes(120)):
        first = recovery_link_open(token=token)
    with at(T0 + minutes(130)):
        second = recovery_link_open(token=token)

    assert second.cart.pk == first.cart.pk
    assert [line.requested_quantity for line in first.cart.lines.all()] == [2]  # not doubled
    assert row_of(checkout_id).clicked_at == T0 + minutes(120)


def test_the_restored_cart_keeps_a_sold_out_item_at_zero_with_its_message(reminded, mug):
    _checkout_id, token = reminded
    stock_adjust(variant_id=mug.pk, delta=-5)
    with at(T0 + minutes(120)):
        opened = recovery_link_open(token=token)

    [line] = cart_view(cart=opened.cart).lines
    assert (line.requested_quantity, line.quantity, line.problem) == (2, 0, OUT_OF_STOCK)


def test_an_item_no_longer_sold_is_left_out(reminded, mug):
    _checkout_id, token = reminded
    mug.is_published = False
    mug.save()
    with at(T0 + minutes(120)):
        opened = recovery_link_open(token=token)

    assert cart_view(cart=opened.cart).lines == []


def test_a_logged_in_customer_gets_the_items_in_their_own_cart_never_doubled(reminded, customer, mug):
    _checkout_id, token = reminded
    own = cart_for_customer(customer=customer)
    tee = make_variant(make_product("Camiseta"), price="20.00", stock=3)
    cart_line_add(cart=own, variant_id=tee.pk, quantity=1)
    cart_line_add(cart=own, variant_id=mug.pk, quantity=1)
    with at(T0 + minutes(120)):
        opened = recovery_link_open(token=token, customer=customer)
        again = recovery_link_open(token=token, customer=customer)

    assert opened.cart.pk == again.cart.pk == own.pk
    assert dict(own.lines.values_list("variant_id", "requested_quantity")) == {tee.pk: 1, mug.pk: 2}


def test_a_tampered_link_changes_nothing(reminded):
    checkout_id, token = reminded
    row = row_of(checkout_id)
    before = snapshot(row)
    for bad in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "12.abc",
        "",
        "x" * 5000,
        unsubscribe_token("ana@example.com"),
    ):
        with pytest.raises(RecoveryLinkInvalid) as caught:
            recovery_link_open(token=bad)
        assert caught.value.details == {"reason": "tampered"}
        assert caught.value.code == "recovery_link_invalid"
    assert snapshot(row) == before


def test_an_expired_link_changes_nothing(reminded):
    checkout_id, token = reminded
    row = row_of(checkout_id)
    before = snapshot(row)
    with at(T0 + minutes(60) + minutes(7 * 24 * 60)), pytest.raises(RecoveryLinkInvalid) as caught:
        recovery_link_open(token=token)

    assert caught.value.details == {"reason": "expired"}
    assert snapshot(row) == before


def test_a_used_link_changes_nothing(reminded):
    checkout_id, token = reminded
    with at(T0 + minutes(90)):
        placed_order(email="ana@example.com")
    row = row_of(checkout_id)
    assert row.status == Status.RECOVERED  # ordered by the same email within the link's lifetime
    before = snapshot(row)
    with at(T0 + minutes(120)), pytest.raises(RecoveryLinkInvalid) as caught:
        recovery_link_open(token=token)

    assert caught.value.details == {"reason": "used"}
    assert snapshot(row) == before


def test_a_link_of_a_never_reminded_checkout_does_not_open(api, installed, mug, run):
    with at(T0 - minutes(60)):
        _token, checkout_id = begin_checkout(api, {mug: 1})
    with at(T0):
        run()
    with pytest.raises(RecoveryLinkInvalid) as caught:
        recovery_link_open(token=recovery_token(row_of(checkout_id)))

    assert caught.value.details == {"reason": "expired"}


def test_an_order_by_the_same_email_after_the_link_expired_is_not_recovered(reminded):
    checkout_id, _token = reminded
    with at(T0 + minutes(60) + minutes(7 * 24 * 60) + minutes(1)):
        order = placed_order(email="ana@example.com")

    row = row_of(checkout_id)
    assert (row.status, row.order, row.recovered_at) == (Status.ORDERED, order, None)
    assert not order.events.filter(type=OrderEvent.Type.RECOVERED).exists()


def test_an_order_before_any_reminder_closes_the_row_without_counting_it(api, auto, mug, run):
    with at(T0 - minutes(60)):
        _token, checkout_id = begin_checkout(api, {mug: 1})
    with at(T0):
        run()
    with at(T0 + minutes(10)):
        order = placed_order(email="ana@example.com")

    row = row_of(checkout_id)
    assert (row.status, row.order, row.next_reminder_at, row.recovered_at) == (
        Status.ORDERED,
        order,
        None,
        None,
    )


def test_an_order_by_the_same_account_is_recovered(api, auto, mug, run, smtp, customer, customer_headers):
    with at(T0 - minutes(60)):
        _token, checkout_id = begin_checkout(api, {mug: 1}, headers=customer_headers)
    with at(T0):
        run()
    with at(T0 + minutes(60)):
        run()
    with at(T0 + minutes(90)):
        order = placed_order(customer=customer, email="another@example.com", with_cart=False)

    assert row_of(checkout_id).status == Status.RECOVERED
    assert order.events.filter(type=OrderEvent.Type.RECOVERED).exists()


def test_unsubscribing_is_idempotent_and_can_be_undone(reminded):
    checkout_id, _token = reminded
    token = unsubscribe_token("Ana@Example.com")

    assert unsubscribe(token=token) == "ana@example.com"
    assert unsubscribe(token=token) == "ana@example.com"
    assert Unsubscribe.objects.count() == 1
    assert "ana" not in Unsubscribe.objects.get().email_digest
    assert row_of(checkout_id).status == Status.UNSUBSCRIBED

    assert resubscribe(token=token) == "ana@example.com"
    assert not Unsubscribe.objects.exists()


def test_a_tampered_unsubscribe_link_changes_nothing(reminded):
    token = unsubscribe_token("ana@example.com")
    for bad in (token[:-2], token.replace(".", ":"), "", recovery_token(AbandonedCheckout.objects.get())):
        with pytest.raises(UnsubscribeLinkInvalid):
            unsubscribe(token=bad)
    assert not Unsubscribe.objects.exists()
