"""The shop's notification settings, emailing a customer about an order, and the outbox."""

import pytest

from lojista.notifications.models import NotificationSettings, OutboxMessage
from lojista.orders.models import OrderEvent
from tests.notifications.factories import make_order, place_order

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/api/v1/admin/notification-settings"


def put_settings(api, headers, **changes):
    body = {
        "sender_name": "Loja da Ana",
        "sender_email": "vendas@loja.example",
        "logo_url": "https://loja.example/logo.png",
        "order_notification_emails": ["ana@loja.example", " bia@loja.example ", "ana@loja.example"],
        "payment_instructions": "PIX: 123",
        **changes,
    }
    return api.put(SETTINGS_URL, body, content_type="application/json", headers=headers)


def test_settings_start_empty_and_are_saved(api, owner_headers):
    assert api.get(SETTINGS_URL, headers=owner_headers).json()["order_notification_emails"] == []

    response = put_settings(api, owner_headers)

    assert response.status_code == 200
    assert response.json()["order_notification_emails"] == ["ana@loja.example", "bia@loja.example"]
    row = NotificationSettings.load()
    assert (row.sender_name, row.sender_email, row.payment_instructions) == (
        "Loja da Ana",
        "vendas@loja.example",
        "PIX: 123",
    )


def test_an_invalid_notification_address_is_refused_and_named(api, owner_headers):
    put_settings(api, owner_headers)

    response = put_settings(api, owner_headers, order_notification_emails=["ok@loja.example", "ana@@loja"])

    assert response.status_code == 422
    assert "ana@@loja" in response.json()["details"]["fields"]["order_notification_emails"][0]
    assert NotificationSettings.load().order_notification_emails == ["ana@loja.example", "bia@loja.example"]


@pytest.mark.parametrize(("field", "value"), [("sender_email", "nope"), ("logo_url", "javascript:alert(1)")])
def test_an_invalid_sender_or_logo_is_refused(api, owner_headers, field, value):
    response = put_settings(api, owner_headers, **{field: value})

    assert response.status_code == 422
    assert field in response.json()["details"]["fields"]


def test_settings_are_for_the_owner_only(api, customer_headers, staff_headers):
    assert api.get(SETTINGS_URL).status_code == 401
    assert put_settings(api, customer_headers).status_code == 403
    assert put_settings(api, staff_headers).status_code == 403


def test_staff_email_a_customer_about_an_order(
    api, staff_headers, staff, smtp, django_capture_on_commit_callbacks
):
    order = make_order(email="ana@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/admin/orders/{order.number}/messages",
            {"message": "  Your parcel <b>ships</b> tomorrow.\nThanks!  "},
            content_type="application/json",
            headers=staff_headers,
        )

    assert response.status_code == 202
    assert response.json()["recipients"] == ["ana@example.com"]
    [received] = smtp.received
    assert received.subject == f"A message about your order #{order.number}"
    assert "Your parcel <b>ships</b> tomorrow.\nThanks!" in received.part("text/plain")
    assert "Your parcel &lt;b&gt;ships&lt;/b&gt; tomorrow.<br>Thanks!" in received.part("text/html")
    queued = order.events.get(type=OrderEvent.Type.EMAIL_QUEUED)
    assert (queued.actor, queued.note, queued.data["template"]) == (
        staff,
        "Your parcel <b>ships</b> tomorrow.\nThanks!",
        "order_contact",
    )


@pytest.mark.parametrize("message", ["", "   ", "x" * 5001])
def test_an_empty_or_too_long_message_is_refused(api, staff_headers, message):
    order = make_order()

    response = api.post(
        f"/api/v1/admin/orders/{order.number}/messages",
        {"message": message},
        content_type="application/json",
        headers=staff_headers,
    )

    assert response.status_code == 422
    assert not OutboxMessage.objects.exists()


def test_messages_about_an_unknown_order_are_not_found(api, staff_headers, customer_headers):
    url = "/api/v1/admin/orders/424242/messages"
    assert (
        api.post(url, {"message": "hi"}, content_type="application/json", headers=staff_headers).status_code
        == 404
    )
    assert (
        api.post(
            url, {"message": "hi"}, content_type="application/json", headers=customer_headers
        ).status_code
        == 403
    )


def test_staff_see_failed_emails_and_retry_them(api, staff_headers, smtp, django_capture_on_commit_callbacks):
    smtp.refuse["ana@example.com"] = "550 5.1.1 Mailbox unavailable"
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(email="ana@example.com")

    failed = api.get("/api/v1/admin/outbox?status=failed", headers=staff_headers).json()
    assert [(item["order_number"], item["status"]) for item in failed["items"]] == [(order.number, "failed")]
    assert "550" in failed["items"][0]["last_error"]

    del smtp.refuse["ana@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/admin/outbox/{failed['items'][0]['id']}/retry", headers=staff_headers)

    assert response.status_code == 200
    assert OutboxMessage.objects.get(pk=failed["items"][0]["id"]).status == "sent"
    assert len(smtp.to("ana@example.com")) == 1
    again = api.post(f"/api/v1/admin/outbox/{failed['items'][0]['id']}/retry", headers=staff_headers)
    assert (again.status_code, again.json()["code"]) == (409, "email_not_failed")


def test_the_outbox_is_paginated(api, staff_headers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(3):
            place_order()

    first = api.get("/api/v1/admin/outbox?limit=2", headers=staff_headers).json()
    second = api.get(
        f"/api/v1/admin/outbox?limit=2&cursor={first['next_cursor']}", headers=staff_headers
    ).json()

    ids = [item["id"] for item in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3
    assert second["next_cursor"] is None
