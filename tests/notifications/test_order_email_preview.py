"""notifications.selectors.order_email: an order's email as staff preview it
from its timeline."""

import pytest

from lojista.notifications.errors import OutboxMessageNotFound
from lojista.notifications.models import EmailTemplate, OutboxMessage
from lojista.notifications.selectors import order_email
from lojista.notifications.services import order_contact_send
from tests.notifications.factories import place_order

pytestmark = pytest.mark.django_db


def test_an_order_email_is_rendered_as_it_is_sent(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(email="ana@example.com")
    message = OutboxMessage.objects.get(order=order, kind="order_confirmation")

    shown = order_email(order=order, message_id=message.pk)

    assert shown.message == message
    assert shown.message.status == "sent"
    assert shown.rendered is not None
    assert shown.rendered.subject == f"Order #{order.number} confirmed"
    assert "Camiseta Lojista" in shown.rendered.text
    assert "Camiseta Lojista" in shown.rendered.html
    assert shown.render_error == ""


def test_a_contact_email_shows_the_staff_message(staff, shop):
    order = place_order()
    message = order_contact_send(order=order, message="Your parcel leaves tomorrow.", actor=staff)

    shown = order_email(order=order, message_id=message.pk)

    assert shown.rendered is not None
    assert "Your parcel leaves tomorrow." in shown.rendered.text


def test_another_orders_email_is_not_found(shop):
    order, other = place_order(), place_order()
    message = OutboxMessage.objects.filter(order=other).first()

    with pytest.raises(OutboxMessageNotFound):
        order_email(order=order, message_id=message.pk)
    with pytest.raises(OutboxMessageNotFound):
        order_email(order=order, message_id=999_999)


def test_an_email_that_cannot_be_rendered_says_why(shop):
    order = place_order()
    message = OutboxMessage.objects.filter(order=order).first()
    OutboxMessage.objects.filter(pk=message.pk).update(kind="gone_extension_email")

    shown = order_email(order=order, message_id=message.pk)

    assert shown.rendered is None
    assert "EmailTemplateNotFound" in shown.render_error


def test_the_shops_template_is_used_when_it_works(shop):
    EmailTemplate.objects.create(
        kind="order_confirmation",
        language="en",
        subject="Thanks for order {{ order.number }}",
        body_text="Thanks!",
        body_html="<p>Thanks!</p>",
    )
    order = place_order()
    message = OutboxMessage.objects.get(order=order, kind="order_confirmation")

    shown = order_email(order=order, message_id=message.pk)

    assert shown.rendered.subject == f"Thanks for order {order.number}"
