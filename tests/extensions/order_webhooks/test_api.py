"""The owner's webhook API: /api/v1/admin/webhooks…"""

import json
import uuid

import pytest

from conftest import bearer
from lojista.core.extensions import extension_uninstall
from lojista.customers.models import ApiToken
from lojista.extensions.order_webhooks import services
from lojista.extensions.order_webhooks.apps import SLUG
from lojista.extensions.order_webhooks.models import Delivery, Endpoint
from tests.extensions.order_webhooks.conftest import documented_verify

pytestmark = pytest.mark.django_db

BASE = "/api/v1/admin/webhooks"
Status = Delivery.Status


def post(api, path, body, headers):
    return api.post(path, json.dumps(body), content_type="application/json", headers=headers)


def patch(api, path, body, headers):
    return api.patch(path, json.dumps(body), content_type="application/json", headers=headers)


def delivery(endpoint: Endpoint, **fields) -> Delivery:
    fields.setdefault("event_type", "order.placed")
    return Delivery.objects.create(
        endpoint=endpoint, event_id=uuid.uuid4(), payload='{"id": "x", "data": {}}', **fields
    )


OPERATIONS = [
    ("get", BASE),
    ("post", BASE),
    ("get", BASE + "/{id}"),
    ("patch", BASE + "/{id}"),
    ("delete", BASE + "/{id}"),
    ("post", BASE + "/{id}/rotate-secret"),
    ("post", BASE + "/{id}/test"),
    ("get", BASE + "/{id}/deliveries"),
    ("post", BASE + "/deliveries/{delivery}/retry"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_only_owners_may_use_the_webhooks_api(api, installed, method, path, customer, staff):
    endpoint = Endpoint.objects.create(url="https://hooks.example.com/a", events=["order.placed"])
    url = path.format(id=endpoint.pk, delivery=delivery(endpoint).pk)
    call = getattr(api, method)

    assert call(url, content_type="application/json").status_code == 401
    for user in (customer, staff):
        response = call(url, content_type="application/json", headers=bearer(ApiToken.issue(user)))
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert Endpoint.objects.get().url == "https://hooks.example.com/a"


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_path_is_404_while_the_extension_is_uninstalled(api, db, method, path, owner_headers):
    endpoint = Endpoint.objects.create(url="https://hooks.example.com/a", events=["order.placed"])
    url = path.format(id=endpoint.pk, delivery=delivery(endpoint).pk)

    response = getattr(api, method)(url, content_type="application/json", headers=owner_headers)

    assert response.status_code == 404


def test_the_owner_registers_an_endpoint_and_gets_its_secret(api, installed, owner_headers):
    response = post(
        api,
        BASE,
        {
            "url": "https://8.8.8.8/lojista",
            "events": ["order.refunded", "order.placed"],
            "description": "ERP",
        },
        owner_headers,
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert body["events"] == ["order.placed", "order.refunded"]  # in the events' order
    assert (body["is_active"], body["last_delivery"], body["description"]) == (True, None, "ERP")
    assert Endpoint.objects.get().secret == body["secret"]
    listed = api.get(BASE, headers=owner_headers).json()
    assert [item["id"] for item in listed] == [body["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://8.8.8.8/x", "events": []}, "events"),
        ({"url": "https://8.8.8.8/x", "events": ["order.shipped"]}, "events"),
        ({"url": "https://8.8.8.8/x"}, "events"),
        ({"events": ["order.placed"]}, "url"),
        ({"url": "http://8.8.8.8/x", "events": ["order.placed"]}, "url"),
        ({"url": "https://localhost/x", "events": ["order.placed"]}, "url"),
        ({"url": "https://10.1.2.3/x", "events": ["order.placed"]}, "url"),
        ({"url": "not a url", "events": ["order.placed"]}, "url"),
        ({"url": "https://8.8.8.8/x", "events": ["order.placed"], "secret": "mine"}, "secret"),
        ({"url": "https://8.8.8.8/x", "events": ["order.placed"], "description": "x" * 201}, "description"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_registers_nothing(
    api, installed, owner_headers, body, field
):
    response = post(api, BASE, body, owner_headers)

    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_input"
    named = response.json()["details"]["fields"]
    assert any(name == field or name.startswith(f"{field}.") for name in named), named
    assert not Endpoint.objects.exists()


def test_a_private_address_is_refused_with_a_human_message(api, installed, owner_headers):
    response = post(
        api, BASE, {"url": "https://192.168.1.10/hook", "events": ["order.placed"]}, owner_headers
    )

    assert response.json()["details"]["fields"]["url"] == [
        "192.168.1.10 is not a public internet address: the shop only sends webhooks to public servers."
    ]


def test_past_twenty_endpoints_a_new_one_is_refused(api, installed, owner_headers):
    Endpoint.objects.bulk_create(
        Endpoint(url=f"https://8.8.8.8/{n}", events=["order.placed"]) for n in range(services.MAX_ENDPOINTS)
    )

    response = post(api, BASE, {"url": "https://8.8.8.8/x", "events": ["order.placed"]}, owner_headers)

    assert (response.status_code, response.json()["code"]) == (409, "too_many_webhook_endpoints")


def test_patch_changes_what_is_given_and_a_bad_url_changes_nothing(api, installed, owner_headers):
    endpoint = Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.placed"], description="A")

    response = patch(api, f"{BASE}/{endpoint.pk}", {"events": ["order.status_changed"]}, owner_headers)
    assert response.status_code == 200
    assert (response.json()["events"], response.json()["description"]) == (["order.status_changed"], "A")

    refused = patch(
        api, f"{BASE}/{endpoint.pk}", {"url": "https://127.0.0.1/a", "description": "B"}, owner_headers
    )
    assert refused.status_code == 422 and "url" in refused.json()["details"]["fields"]
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.description) == ("https://8.8.8.8/a", "A")


def test_disabling_and_enabling_an_endpoint(api, installed, owner_headers):
    endpoint = Endpoint.objects.create(
        url="https://8.8.8.8/a", events=["order.placed"], consecutive_failures=3
    )

    off = patch(api, f"{BASE}/{endpoint.pk}", {"is_active": False}, owner_headers).json()
    assert (off["is_active"], off["disabled_reason"]) == (False, "Disabled by the owner.")
    assert off["disabled_at"] is not None

    on = patch(api, f"{BASE}/{endpoint.pk}", {"is_active": True}, owner_headers).json()
    assert (on["is_active"], on["disabled_reason"], on["disabled_at"], on["consecutive_failures"]) == (
        True,
        "",
        None,
        0,
    )


def test_rotating_the_secret_gives_a_new_one(api, installed, owner_headers):
    endpoint = Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.placed"])

    response = api.post(f"{BASE}/{endpoint.pk}/rotate-secret", headers=owner_headers)

    assert response.status_code == 200
    assert response.json()["secret"] != endpoint.secret
    assert Endpoint.objects.get().secret == response.json()["secret"]


def test_deleting_an_endpoint_deletes_its_log(api, installed, owner_headers):
    endpoint = Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.placed"])
    delivery(endpoint)

    assert api.delete(f"{BASE}/{endpoint.pk}", headers=owner_headers).status_code == 204

    assert not Endpoint.objects.exists() and not Delivery.objects.exists()
    response = api.get(f"{BASE}/{endpoint.pk}", headers=owner_headers)
    assert (response.status_code, response.json()["code"]) == (404, "webhook_endpoint_not_found")


def test_a_test_event_is_a_signed_ping(
    api, endpoint, receiver, owner_headers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{BASE}/{endpoint.pk}/test", headers=owner_headers)

    assert response.status_code == 202
    assert response.json()["event_type"] == "ping"
    [request] = receiver.wait_for(1)
    assert request.headers["lojista-event"] == "ping"
    assert documented_verify()(endpoint.secret, request.body, request.headers["lojista-signature"])
    assert request.json()["data"]["endpoint"] == {
        "id": endpoint.pk,
        "url": endpoint.url,
        "events": endpoint.events,
    }
    shown = api.get(f"{BASE}/{endpoint.pk}", headers=owner_headers).json()
    assert shown["last_delivery"]["status"] == "succeeded" and shown["last_delivery"]["status_code"] == 200


def test_a_disabled_endpoint_gets_no_test_event(api, installed, owner_headers):
    endpoint = Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.placed"], is_active=False)

    response = api.post(f"{BASE}/{endpoint.pk}/test", headers=owner_headers)

    assert (response.status_code, response.json()["code"]) == (409, "webhook_endpoint_disabled")
    assert not Delivery.objects.exists()


def test_the_log_is_keyset_paginated_newest_first_and_filtered(
    api, installed, owner_headers, django_assert_max_num_queries, shop_settings_cached
):
    endpoint = Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.placed"])
    other = Endpoint.objects.create(url="https://8.8.8.8/b", events=["order.placed"])
    rows = [
        delivery(endpoint, status=status)
        for status in ["failed", "succeeded", "failed", "succeeded", "ready"]
    ]
    delivery(other)

    with django_assert_max_num_queries(4):  # the owner's token, the install flag, the endpoint, the page
        first = api.get(f"{BASE}/{endpoint.pk}/deliveries?limit=2", headers=owner_headers).json()
    second = api.get(
        f"{BASE}/{endpoint.pk}/deliveries?limit=2&cursor={first['next_cursor']}", headers=owner_headers
    ).json()
    failed = api.get(f"{BASE}/{endpoint.pk}/deliveries?status=failed", headers=owner_headers).json()

    assert [item["id"] for item in first["items"]] == [rows[4].pk, rows[3].pk]
    assert [item["id"] for item in second["items"]] == [rows[2].pk, rows[1].pk]
    assert [item["id"] for item in failed["items"]] == [rows[2].pk, rows[0].pk]
    assert failed["next_cursor"] is None
    assert first["items"][0]["payload"] == {"id": "x", "data": {}}
    bad = api.get(f"{BASE}/{endpoint.pk}/deliveries?cursor=nonsense", headers=owner_headers)
    assert bad.status_code == 422 and "cursor" in bad.json()["details"]["fields"]


def test_the_log_costs_the_same_however_many_deliveries(
    api, installed, owner_headers, django_assert_num_queries, shop_settings_cached
):
    endpoint = Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.placed"])
    for _ in range(60):
        delivery(endpoint)

    with django_assert_num_queries(4):
        response = api.get(f"{BASE}/{endpoint.pk}/deliveries", headers=owner_headers)

    assert len(response.json()["items"]) == 50


def test_retry_now_of_a_delivered_one_is_refused(api, installed, owner_headers):
    endpoint = Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.placed"])
    done = delivery(endpoint, status=Status.SUCCEEDED)

    response = api.post(f"{BASE}/deliveries/{done.pk}/retry", headers=owner_headers)

    assert (response.status_code, response.json()["code"]) == (409, "webhook_delivery_not_retryable")
    missing = api.post(f"{BASE}/deliveries/999999/retry", headers=owner_headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "webhook_delivery_not_found")


def test_retry_now_of_a_failed_one_sends_it(
    api, endpoint, receiver, owner_headers, django_capture_on_commit_callbacks
):
    failed = delivery(endpoint, status=Status.FAILED, attempts=8, last_status_code=500)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{BASE}/deliveries/{failed.pk}/retry", headers=owner_headers)

    assert response.status_code == 200
    assert len(receiver.wait_for(1)) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_status_code) == (Status.SUCCEEDED, 1, 200)


def test_after_an_uninstall_the_endpoints_are_kept(api, installed, owner_headers):
    Endpoint.objects.create(url="https://8.8.8.8/a", events=["order.placed"])
    extension_uninstall(slug=SLUG)

    assert api.get(BASE, headers=owner_headers).status_code == 404
    assert Endpoint.objects.count() == 1
