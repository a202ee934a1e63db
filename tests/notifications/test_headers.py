"""Values that end up in an email's headers: refused when saved if they would
break a header, and never able to stop other emails when sent."""

import pytest

from lojista.notifications import services
from lojista.notifications.models import EmailTemplate, NotificationSettings, OutboxMessage
from lojista.notifications.order_kinds import ORDER_CONFIRMATION, ORDER_CONTACT, order_ref
from tests.notifications.factories import (
    ADDRESS,
    SETTINGS,
    SETTINGS_URL,
    TEMPLATE_URL,
    make_order,
    place_order,
)

pytestmark = pytest.mark.django_db

TEMPLATE = {"subject": "Order {{ order.number }}", "body_text": "Thanks.", "body_html": "<p>Thanks.</p>"}
INJECTED = "evil@attacker.example"
BREAKS = ["Loja\r\nBcc: evil@attacker.example", "Loja\nX", "Loja\rX", "Loja\x00", "Loja\x0bX", "Loja\u2028X"]
BAD_ADDRESSES = [
    "ana@loja.example\r\nBcc: evil@attacker.example",
    "ana\n@loja.example",
    '"\x01"@loja.example',
    "ana@@loja.example",
]


def put_settings(api, headers, **changes):
    return api.put(SETTINGS_URL, {**SETTINGS, **changes}, content_type="application/json", headers=headers)


@pytest.fixture
def saved(api, owner_headers):
    assert put_settings(api, owner_headers).status_code == 200
    return NotificationSettings.load()


def assert_refused(response, field):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_input"
    assert field in body["details"]["fields"]


@pytest.mark.parametrize("name", BREAKS)
def test_a_sender_name_that_would_break_the_from_header_is_refused(api, owner_headers, saved, name):
    assert_refused(put_settings(api, owner_headers, sender_name=name), "sender_name")
    assert NotificationSettings.load().sender_name == "Loja da Ana"


@pytest.mark.parametrize("address", BAD_ADDRESSES)
@pytest.mark.parametrize("field", ["sender_email", "order_notification_emails"])
def test_an_address_that_would_break_a_header_is_refused(api, owner_headers, saved, field, address):
    value = [address] if field == "order_notification_emails" else address

    assert_refused(put_settings(api, owner_headers, **{field: value}), field)
    row = NotificationSettings.load()
    assert (row.sender_email, row.order_notification_emails) == ("vendas@loja.example", ["ana@loja.example"])


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_test_send_to_such_an_address_queues_nothing(api, owner_headers, address):
    response = api.post(
        f"{TEMPLATE_URL}/test-send", {"to": address}, content_type="application/json", headers=owner_headers
    )

    assert_refused(response, "to")
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    "subject", ["Order\r\nBcc: evil@attacker.example", "Order {{ order.number }}\nX", "A\x00"]
)
def test_a_subject_template_on_several_lines_is_refused_on_save_and_preview(api, owner_headers, subject):
    save = api.put(
        TEMPLATE_URL, {**TEMPLATE, "subject": subject}, content_type="application/json", headers=owner_headers
    )
    preview = api.post(
        f"{TEMPLATE_URL}/preview",
        {"subject": subject},
        content_type="application/json",
        headers=owner_headers,
    )

    assert_refused(save, "subject")
    assert_refused(preview, "subject")
    assert not EmailTemplate.objects.exists()


def test_the_shipped_subject_is_saved_back_as_shown(api, owner_headers):
    shown = api.get(TEMPLATE_URL, headers=owner_headers).json()
    body = {key: shown[key] for key in ("subject", "body_text", "body_html")}

    assert (
        api.put(TEMPLATE_URL, body, content_type="application/json", headers=owner_headers).status_code == 200
    )
    assert EmailTemplate.objects.get().subject == shown["subject"].strip()


def deliver_all() -> dict[str, str]:
    return {
        message.recipients[0]: services.outbox_deliver(message_id=message.pk)
        for message in OutboxMessage.objects.order_by("pk")
    }


def test_a_sender_name_stored_before_the_check_stops_no_email(shop, smtp, django_capture_on_commit_callbacks):
    NotificationSettings.objects.filter(pk=1).update(
        sender_name="Loja\r\nBcc: evil@attacker.example", sender_email="bad\r\n@shop.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        place_order(email="ana@example.com")
        place_order(email="bia@example.com")

    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert len(smtp.received) == 4
    [ana] = smtp.to("ana@example.com")
    assert ana.message["From"] == '"Loja Bcc: evil@attacker.example" <shop@localhost>'
    assert ana.message["Bcc"] is None
    assert not smtp.to(INJECTED)


def test_one_email_that_cannot_be_sent_fails_alone(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        for recipient in ["ana@example.com", f"bia@example.com\r\nBcc: {INJECTED}", "caio@example.com"]:
            services.outbox_queue(
                kind=ORDER_CONTACT,
                recipients=[recipient],
                language="en",
                dedupe_key=recipient,
                ref=order_ref(make_order(), {"message": "Hello"}),
            )

    outcomes = deliver_all()

    assert list(outcomes.values()) == ["sent", "failed", "sent"]
    assert sorted(address for item in smtp.received for address in item.rcpt_tos) == [
        "ana@example.com",
        "caio@example.com",
    ]
    failed = OutboxMessage.objects.get(status="failed")
    assert "cannot be used as a recipient address" in failed.last_error
    assert failed.attempts == 1


def test_order_data_in_a_subject_template_stays_on_one_line(smtp, django_capture_on_commit_callbacks):
    EmailTemplate.objects.create(
        kind=ORDER_CONFIRMATION,
        language="en",
        **{"subject": "Hi {{ order.customer_name }}", "body_text": "x", "body_html": "x"},
    )
    address = {**ADDRESS, "name": f"Ana\r\nBcc: {INJECTED}\x07"}
    with django_capture_on_commit_callbacks(execute=True):
        place_order(email="ana@example.com", shipping_address=address)

    [received] = smtp.to("ana@example.com")
    assert received.subject == f"Hi Ana Bcc: {INJECTED}"
    assert received.message["Bcc"] is None and not smtp.to(INJECTED)
