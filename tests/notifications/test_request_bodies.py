"""Every notifications endpoint that takes a body takes the documented JSON
object and nothing else: anything else is a 422 that changes nothing."""

import pytest

from lojista.notifications.models import EmailTemplate, NotificationSettings, OutboxMessage
from tests.notifications.factories import SETTINGS, SETTINGS_URL, TEMPLATE_URL, make_order

pytestmark = pytest.mark.django_db

NOT_AN_OBJECT = ["7", "2546", "[null]", "[]", "null", '"text"', "true"]


@pytest.fixture
def saved_settings(api, owner_headers):
    response = api.put(SETTINGS_URL, SETTINGS, content_type="application/json", headers=owner_headers)
    assert response.status_code == 200
    return NotificationSettings.load()


def _unchanged(row: NotificationSettings) -> None:
    fresh = NotificationSettings.load()
    assert (fresh.sender_name, fresh.order_notification_emails, fresh.updated_at) == (
        row.sender_name,
        row.order_notification_emails,
        row.updated_at,
    )


@pytest.mark.parametrize("body", ["{}", *NOT_AN_OBJECT])
def test_a_settings_put_that_is_not_the_whole_object_changes_nothing(
    api, owner_headers, saved_settings, body
):
    response = api.put(SETTINGS_URL, body, content_type="application/json", headers=owner_headers)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    _unchanged(saved_settings)


@pytest.mark.parametrize("missing", sorted(SETTINGS))
def test_a_settings_put_requires_every_field(api, owner_headers, saved_settings, missing):
    body = {key: value for key, value in SETTINGS.items() if key != missing}

    response = api.put(SETTINGS_URL, body, content_type="application/json", headers=owner_headers)

    assert response.status_code == 422
    assert missing in response.json()["details"]["fields"]
    _unchanged(saved_settings)


def test_a_settings_put_may_clear_fields_explicitly(api, owner_headers, saved_settings):
    body = {**SETTINGS, "sender_name": "", "order_notification_emails": []}

    response = api.put(SETTINGS_URL, body, content_type="application/json", headers=owner_headers)

    assert response.status_code == 200
    assert NotificationSettings.load().order_notification_emails == []


@pytest.mark.parametrize("body", NOT_AN_OBJECT)
def test_a_test_send_body_that_is_not_an_object_queues_nothing(api, owner_headers, body):
    response = api.post(
        f"{TEMPLATE_URL}/test-send", body, content_type="application/json", headers=owner_headers
    )

    assert response.status_code == 422
    assert response.json()["details"]["fields"]
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("body", NOT_AN_OBJECT)
def test_a_template_body_that_is_not_an_object_saves_nothing(api, owner_headers, body):
    save = api.put(TEMPLATE_URL, body, content_type="application/json", headers=owner_headers)
    preview = api.post(
        f"{TEMPLATE_URL}/preview", body, content_type="application/json", headers=owner_headers
    )

    assert (save.status_code, preview.status_code) == (422, 422)
    assert not EmailTemplate.objects.exists()


@pytest.mark.parametrize("body", NOT_AN_OBJECT)
def test_a_contact_message_that_is_not_an_object_sends_nothing(api, owner_headers, body):
    order = make_order()

    response = api.post(
        f"/api/v1/admin/orders/{order.number}/messages",
        body,
        content_type="application/json",
        headers=owner_headers,
    )

    assert response.status_code == 422
    assert not OutboxMessage.objects.exists()


def test_the_message_says_what_is_wrong(api, owner_headers):
    response = api.post(
        f"{TEMPLATE_URL}/test-send", "2546", content_type="application/json", headers=owner_headers
    )

    assert response.json()["details"]["fields"] == {"payload": ["The request body must be a JSON object."]}
