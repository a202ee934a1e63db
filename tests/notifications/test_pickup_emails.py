"""A pickup order's emails: the pickup location and opening hours instead of
a delivery address, "ready for pickup" when processed and "collected" when
delivered; a shipped order's emails unchanged. In English and Brazilian
Portuguese, delivered to a real SMTP server."""

import pytest

from lojista.orders.services import order_transition
from tests.notifications.conftest import MERCHANT
from tests.notifications.factories import ADDRESS, make_order, place_order

pytestmark = pytest.mark.django_db

LOCATION = "Rua da Prata 80, 1100-420 Lisboa"
HOURS = "Mon-Fri 10:00-19:00\nSat 10:00-13:00"
CONTACT = {"name": "Ana Souza", "phone": "+351 912 345 678"}
PICKUP = {
    "fulfilment": "pickup",
    "pickup_location": LOCATION,
    "pickup_details": HOURS,
    "shipping_address": CONTACT,
}
HOME = ADDRESS["line1"]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def parts(message) -> list[str]:
    return [message.part("text/plain"), message.part("text/html")]


def shows_pickup_point(body: str) -> bool:
    # The HTML breaks the opening hours' lines with <br>.
    return LOCATION in body and "Mon-Fri 10:00-19:00" in body and "Sat 10:00-13:00" in body


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_a_pickup_confirmation_shows_the_pickup_point_not_an_address(shop, smtp, commit, language):
    order = commit(place_order, email="ana@example.com", language=language, **PICKUP)

    [customer] = smtp.to("ana@example.com")
    for body in parts(customer):
        assert shows_pickup_point(body)
        assert "on its way" not in body and "a caminho" not in body
        assert HOME not in body
    english = parts(customer)[0]
    if language == "en":
        assert "let you know when it is ready for pickup" in english
        assert "Shipping address" not in english and "Pickup location" in english
    else:
        assert f"#{order.number}" in english and "Endereço de entrega" not in english


def test_the_shop_learns_who_collects_a_pickup_order_and_where(shop, smtp, commit):
    commit(place_order, email="ana@example.com", **PICKUP)

    [merchant] = smtp.to(MERCHANT[0])
    for body in parts(merchant):
        assert "Pickup at the shop" in body
        assert CONTACT["name"] in body and CONTACT["phone"] in body and LOCATION in body
        assert "Shipping address" not in body


def test_a_shipped_orders_confirmation_still_shows_its_address(shop, smtp, commit):
    commit(place_order, email="ana@example.com")

    [customer] = smtp.to("ana@example.com")
    for body in parts(customer):
        assert HOME in body and "on its way" in body
        assert "Pickup location" not in body


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_a_processed_pickup_order_is_ready_for_pickup(db, smtp, commit, language):
    order = make_order(email="ana@example.com", language=language, **PICKUP)
    shipped = make_order(email="bia@example.com", language=language)

    commit(order_transition, order=order, to="processed", actor=None)
    commit(order_transition, order=shipped, to="processed", actor=None)

    [pickup] = smtp.to("ana@example.com")
    [shipping] = smtp.to("bia@example.com")
    assert pickup.subject != shipping.subject.replace(str(shipped.number), str(order.number))
    for body in parts(pickup):
        assert shows_pickup_point(body)
        assert "handed to the carrier" not in body
    for body in parts(shipping):
        assert LOCATION not in body
    if language == "en":
        assert pickup.subject == f"Your order #{order.number} is ready for pickup"
        assert f"your order #{order.number} is ready for pickup." in parts(pickup)[0]
        assert shipping.subject == f"Your order #{shipped.number} is on its way"


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_a_delivered_pickup_order_was_collected(db, smtp, commit, language):
    order = make_order(email="ana@example.com", language=language, **PICKUP)
    shipped = make_order(email="bia@example.com", language=language)
    for each in (order, shipped):
        commit(order_transition, order=each, to="processed", actor=None)
        commit(order_transition, order=each, to="delivered", actor=None)

    pickup = smtp.to("ana@example.com")[-1]
    shipping = smtp.to("bia@example.com")[-1]
    assert pickup.subject != shipping.subject.replace(str(shipped.number), str(order.number))
    if language == "en":
        assert pickup.subject == f"Your order #{order.number} was collected"
        assert f"You collected your order #{order.number}." in parts(pickup)[0]
        assert shipping.subject == f"Your order #{shipped.number} was delivered"


def test_a_cancelled_pickup_order_keeps_the_four_statuses_and_its_email(db, smtp, commit):
    order = make_order(email="ana@example.com", **PICKUP)

    commit(order_transition, order=order, to="cancelled", actor=None, reason="out_of_stock")

    [received] = smtp.received
    assert received.subject == f"Your order #{order.number} was cancelled"


def test_pickup_emails_speak_brazilian(db, smtp, commit):
    order = make_order(email="ana@example.com", language="pt-br", **PICKUP)
    commit(order_transition, order=order, to="processed", actor=None)
    commit(order_transition, order=order, to="delivered", actor=None)

    processed, delivered = smtp.received
    assert "pronto para retirada" in processed.subject
    assert "Local de retirada" in processed.part("text/plain")
    assert "retirado" in delivered.subject
