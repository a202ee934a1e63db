"""A customer cancelling their own pending order: the shop's notification
addresses are emailed (in the shop's language), and the timeline says the
customer did it."""

import pytest

from conftest import bearer
from lojista.customers.models import ApiToken
from lojista.notifications.models import OutboxMessage
from lojista.orders.models import Order
from lojista.orders.services import order_cancel_by_customer, order_transition
from tests.notifications.conftest import MERCHANT
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def test_a_customer_cancelling_emails_the_shop(api, shop, smtp, commit, customer):
    order = commit(placed_order, customer=customer, email=customer.email)
    smtp.received.clear()

    response = commit(
        api.post, f"/api/v1/me/orders/{order.number}/cancel", headers=bearer(ApiToken.issue(customer))
    )

    assert response.status_code == 200
    [merchant] = smtp.to(MERCHANT[0])
    assert sorted(merchant.rcpt_tos) == sorted(MERCHANT)
    # .strip(): Python folds a long encoded subject onto a continuation line.
    assert merchant.subject.strip() == f"Order #{order.number} was cancelled by the customer (€30.00)"
    assert merchant.message["Content-Language"] == "en"
    for part in ("text/plain", "text/html"):
        body = merchant.part(part)
        assert f"The customer cancelled order #{order.number}." in body
        assert customer.email in body
        assert "A refund of €30.00 is being sent to the customer" in body
        assert f"/backoffice/orders/{order.number}/" in body
    [to_customer] = smtp.to(customer.email)
    assert to_customer.subject == f"Your order #{order.number} was cancelled"
    assert len(smtp.received) == 2


def test_the_timeline_says_the_customer_cancelled_and_shows_the_shop_email(
    api, shop, commit, customer, customer_headers, staff_headers
):
    order = commit(placed_order, customer=customer, email=customer.email)

    mine = api.post(f"/api/v1/me/orders/{order.number}/cancel", headers=customer_headers).json()

    cancelled = [event for event in mine["events"] if event["type"] == "status_changed"]
    assert [(event["to_status"], event["by"]) for event in cancelled] == [("cancelled", "customer")]
    staff_view = api.get(f"/api/v1/admin/orders/{order.number}", headers=staff_headers).json()
    [change] = [event for event in staff_view["events"] if event["type"] == "status_changed"]
    assert (change["by"], change["actor"]["id"], change["data"]["reason"]) == (
        "customer",
        customer.pk,
        "customer_request",
    )
    queued = [event["data"] for event in staff_view["events"] if event["type"] == "email_queued"]
    assert "order_cancelled_shop" in [data.get("template") for data in queued]


def test_the_shop_cancelling_emails_only_the_customer(shop, smtp, commit, staff):
    order = commit(placed_order)
    smtp.received.clear()

    commit(order_transition, order=order, to="cancelled", reason="out_of_stock", actor=staff)

    assert smtp.to(MERCHANT[0]) == []
    assert len(smtp.received) == 1
    assert not OutboxMessage.objects.filter(kind="order_cancelled_shop").exists()
    event = Order.objects.get(pk=order.pk).events.get(type="status_changed")
    assert event.data["by"] == "staff"


def test_without_notification_addresses_the_shop_gets_nothing(db, smtp, commit, customer):
    order = commit(placed_order, customer=customer, email=customer.email)
    smtp.received.clear()

    commit(order_cancel_by_customer, order=order, customer=customer)

    assert [message.rcpt_tos for message in smtp.received] == [[customer.email]]


def test_the_shop_is_emailed_in_its_language_and_the_customer_in_theirs(
    shop, smtp, commit, customer, settings
):
    settings.LANGUAGE_CODE = "pt-br"
    order = commit(placed_order, customer=customer, email=customer.email, language="en")
    smtp.received.clear()

    commit(order_cancel_by_customer, order=order, customer=customer)

    [merchant] = smtp.to(MERCHANT[0])
    assert merchant.message["Content-Language"] == "pt-BR"
    [to_customer] = smtp.to(customer.email)
    assert to_customer.message["Content-Language"] == "en"


def test_an_event_from_before_by_was_recorded_is_read_from_its_actor(
    api, commit, customer, customer_headers, staff
):
    order = placed_order(customer=customer)
    order_cancel_by_customer(order=order, customer=customer)
    order.events.filter(type="status_changed").update(data={})

    events = api.get(f"/api/v1/me/orders/{order.number}", headers=customer_headers).json()["events"]

    assert [event["by"] for event in events] == ["system", "customer"]
