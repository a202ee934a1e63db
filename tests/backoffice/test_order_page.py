"""The order page (/backoffice/orders/<number>/): what staff read on it, who
may open it, its buttons, escaping, its query budget, and the email previews."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lojista.notifications.models import NotificationSettings, OutboxMessage
from lojista.notifications.services import order_contact_send
from lojista.orders.models import Order
from lojista.orders.services import order_note_add, order_transition
from tests.backoffice.order_factories import order_of, order_with_lines, variant

pytestmark = pytest.mark.django_db


def page_of(client: Client, order: Order):
    return client.get(f"/backoffice/orders/{order.number}/")


def text(response) -> str:
    return response.content.decode()


def test_staff_read_the_whole_order(staff_client, customer):
    order = order_of(
        {
            variant("Camiseta Lojista", option="M / Azul", price="25.00"): 2,
            variant("Caneca", option="", price="10.00"): 1,
        },
        customer=customer,
        utm_source="newsletter",
        utm_medium="email",
    )

    response = page_of(staff_client, order)

    assert response.status_code == 200
    page = text(response)
    assert f"Order #{order.number}" in page
    for shown in ("Camiseta Lojista", "M / Azul", "Caneca", "Pending", "Paid"):
        assert shown in page
    for line in order.lines.all():
        assert line.sku in page
    for amount in ("€25.00", "€50.00", "€10.00", "€60.00", "€5.00", "€65.00"):
        assert amount in page, amount
    assert "Ana Souza" in page and "ana@example.com" in page
    assert f'href="/backoffice/customers/{customer.pk}/"' in page
    assert "Rua Augusta 100" in page and "01305-000 São Paulo" in page and "Brazil" in page
    assert "Sedex" in page
    assert "newsletter" in page and "email" in page
    assert "Order placed" in page
    assert "Email queued: Order confirmation" in page


def test_a_guest_order_has_no_customer_link(staff_client):
    page = text(page_of(staff_client, order_of()))

    assert "Guest checkout" in page
    assert not re.search(r'href="/backoffice/customers/\d+/"', page)


def test_the_timeline_says_who_did_what(staff_client, staff):
    order = order_of()
    order_note_add(order=order, note="Gift wrap, please", actor=staff)
    order_transition(order=order, to="processed", actor=staff, tracking_url="https://track.example/AB1")

    page = text(page_of(staff_client, order))

    assert "Gift wrap, please" in page
    assert "Pending → Processed" in page
    assert "by Sam Staff" in page
    assert "https://track.example/AB1" in page
    assert "Email queued: Order processed" in page


def test_a_pickup_order_shows_where_it_is_collected(staff_client):
    order = order_of()
    Order.objects.filter(pk=order.pk).update(
        fulfilment="pickup", pickup_location="Loja Centro, Rua Direita 5", pickup_details="Mon-Fri 9-18"
    )

    page = text(page_of(staff_client, order))

    assert "Pickup" in page and "Loja Centro, Rua Direita 5" in page and "Mon-Fri 9-18" in page
    assert "Collected by" in page


def test_an_unknown_order_is_a_404_page(staff_client):
    response = staff_client.get("/backoffice/orders/999999/")

    assert response.status_code == 404
    assert "There is no order #999999." in text(response)


def test_a_customer_is_refused_and_a_visitor_sent_to_log_in(customer_client):
    order = order_of()

    assert page_of(customer_client, order).status_code == 403
    response = page_of(Client(), order)
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/login/?next=/backoffice/orders/{order.number}/"


def buttons(page: str) -> list[str]:
    return [
        label for label in ("Mark as Processed", "Mark as Delivered", "Cancel the order") if label in page
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("pending", ["Mark as Processed", "Cancel the order"]),
        ("processed", ["Mark as Delivered", "Cancel the order"]),
        ("delivered", []),
        ("cancelled", []),
    ],
)
def test_the_buttons_are_exactly_the_allowed_next_statuses(staff_client, status, expected):
    order = order_of()
    Order.objects.filter(pk=order.pk).update(status=status)

    page = text(page_of(staff_client, order))

    assert buttons(page) == expected
    assert ("Next step" in page) == bool(expected)
    # Each form says which status the page showed.
    assert page.count(f'name="expected_status" value="{status}"') == len(expected)


def test_mark_as_paid_only_for_an_order_awaiting_an_offline_payment(staff_client):
    awaiting = order_of(offline=True)
    card = order_of()

    assert "Mark as paid" in text(page_of(staff_client, awaiting))
    assert "Mark as paid" not in text(page_of(staff_client, card))


def test_the_tracking_form_only_when_the_order_is_handed_to_the_carrier(staff_client, staff):
    order = order_of()
    assert "Save link" not in text(page_of(staff_client, order))

    order_transition(order=order, to="processed", actor=staff)

    assert "Save link" in text(page_of(staff_client, order))


def test_customer_text_is_escaped(staff_client, staff):
    script = "<script>alert(1)</script>"
    address = {
        "name": f"Ana {script}",
        "line1": f"Rua {script}",
        "city": "São Paulo",
        "postal_code": "01305-000",
        "country": "BR",
    }
    order = order_of({variant(f"Shirt {script}", option=script): 1}, shipping_address=address)
    order_note_add(order=order, note=f"Note {script}", actor=staff)
    order_contact_send(order=order, message=f"Hi {script}", actor=staff)

    page = text(page_of(staff_client, order))

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("&lt;script&gt;") >= 5


def test_the_query_count_does_not_grow_with_lines_and_events(
    staff_client, staff, django_assert_max_num_queries
):
    small = order_with_lines(1)
    large = order_with_lines(12)
    for n in range(8):
        order_note_add(order=large, note=f"note {n}", actor=staff)
    order_transition(order=large, to="processed", actor=staff)

    def queries(order: Order) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page_of(staff_client, order).status_code == 200
        return len(captured)

    assert queries(large) == queries(small)
    with django_assert_max_num_queries(12):
        page_of(staff_client, large)


# Email previews.


def email_of(order: Order, kind: str = "order_confirmation") -> OutboxMessage:
    return OutboxMessage.objects.get(order=order, kind=kind)


def test_the_timeline_links_each_email_to_its_preview(staff_client):
    order = order_of()
    message = email_of(order)

    page = text(page_of(staff_client, order))

    assert f'hx-get="/backoffice/orders/{order.number}/emails/{message.pk}/"' in page
    assert f'href="/backoffice/orders/{order.number}/emails/{message.pk}/"' in page


def test_an_email_queued_then_sent_has_one_preview_on_its_latest_entry(
    staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # delivered once the placement commits
        order = order_of()
    message = email_of(order)
    assert message.status == "sent"

    page = text(page_of(staff_client, order))

    link = f'hx-get="/backoffice/orders/{order.number}/emails/{message.pk}/"'
    assert page.count(link) == 1
    assert page.index("Email sent: Order confirmation") < page.index(link)


def test_the_order_language_is_named(staff_client):
    order = order_of()
    Order.objects.filter(pk=order.pk).update(language="pt-br")

    assert "<dd>Portuguese (Brazil)</dd>" in text(page_of(staff_client, order))


def test_the_preview_shows_the_email_as_sent(staff_client):
    order = order_of()
    message = email_of(order)

    response = staff_client.get(f"/backoffice/orders/{order.number}/emails/{message.pk}/")

    assert response.status_code == 200
    page = text(response)
    assert f"Order #{order.number} confirmed" in page
    assert "ana@example.com" in page
    assert "Ready" in page  # not delivered in this test (no commit)
    assert "<iframe" in page and "sandbox" in page and 'srcdoc="' in page
    # The HTML part is in the attribute, escaped: the page runs none of it.
    assert 'srcdoc="&lt;!doctype html&gt;' in page.lower() or 'srcdoc="&lt;' in page
    assert "Text version" in page
    assert '<header class="topbar">' in page  # a page of its own


def test_the_htmx_preview_is_a_fragment(staff_client):
    order = order_of()
    message = email_of(order)

    response = staff_client.get(
        f"/backoffice/orders/{order.number}/emails/{message.pk}/", headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "<html" not in text(response)
    assert f"Order #{order.number} confirmed" in text(response)


def test_a_contact_email_preview_shows_the_message_escaped(staff_client, staff):
    order = order_of()
    message = order_contact_send(order=order, message="Sorry <b>for</b> the delay", actor=staff)

    page = text(staff_client.get(f"/backoffice/orders/{order.number}/emails/{message.pk}/"))

    assert "Sorry &lt;b&gt;for&lt;/b&gt; the delay" in page  # the text part
    assert "<b>for</b>" not in page


def test_a_failed_email_shows_its_error(staff_client):
    order = order_of()
    message = email_of(order)
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", last_error="550 mailbox unavailable")

    page = text(staff_client.get(f"/backoffice/orders/{order.number}/emails/{message.pk}/"))

    assert "Failed" in page and "550 mailbox unavailable" in page


def test_another_orders_email_is_not_shown(staff_client):
    order, other = order_of(), order_of()

    response = staff_client.get(f"/backoffice/orders/{order.number}/emails/{email_of(other).pk}/")

    assert response.status_code == 404
    assert "has no such email" in text(response)


def test_the_preview_is_for_staff_only(customer_client):
    order = order_of()

    response = customer_client.get(f"/backoffice/orders/{order.number}/emails/{email_of(order).pk}/")

    assert response.status_code == 403


def test_the_new_order_email_to_the_shop_is_on_the_timeline_too(staff_client):
    shop = NotificationSettings.load()
    shop.order_notification_emails = ["orders@shop.example"]
    shop.save()
    order = order_of()

    page = text(page_of(staff_client, order))

    assert "Email queued: New order" in page
    assert "orders@shop.example" in page
