"""The owner's webhook pages in the back office."""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lojista.core.extensions import installed_slugs
from lojista.extensions.order_webhooks.models import Delivery, Endpoint
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

BASE = "/backoffice/order-webhooks/"
Status = Delivery.Status


@pytest.fixture(autouse=True)
def _cached_shop_settings(shop_settings_cached):
    pass


def make_endpoint(**fields) -> Endpoint:
    fields.setdefault("url", "https://8.8.8.8/hooks")
    fields.setdefault("events", ["order.placed"])
    return Endpoint.objects.create(**fields)


def delivery(endpoint: Endpoint, **fields) -> Delivery:
    fields.setdefault("event_type", "order.placed")
    return Delivery.objects.create(endpoint=endpoint, event_id=uuid.uuid4(), payload='{"id": "x"}', **fields)


def page_paths(endpoint: Endpoint, row: Delivery) -> list[str]:
    return [
        BASE,
        f"{BASE}new/",
        f"{BASE}{endpoint.pk}/",
        f"{BASE}{endpoint.pk}/edit/",
        f"{BASE}deliveries/{row.pk}/",
    ]


def test_only_owners_see_the_pages(installed, owner_client, staff_client):
    endpoint = make_endpoint()
    row = delivery(endpoint)

    for path in page_paths(endpoint, row):
        assert owner_client.get(path).status_code == 200, path
        assert staff_client.get(path).status_code == 403, path
        anonymous = Client().get(path)
        assert anonymous.status_code == 302 and "login" in anonymous["Location"], path
    for action in ("rotate-secret", "active", "test", "delete"):
        assert staff_client.post(f"{BASE}{endpoint.pk}/{action}/").status_code == 403
    assert staff_client.post(f"{BASE}deliveries/{row.pk}/retry/").status_code == 403
    assert Endpoint.objects.get().secret == endpoint.secret


def test_an_unknown_endpoint_or_delivery_is_404(installed, owner_client):
    assert owner_client.get(f"{BASE}999/").status_code == 404
    assert owner_client.get(f"{BASE}deliveries/999/").status_code == 404
    assert owner_client.post(f"{BASE}deliveries/999/retry/").status_code == 404


def test_the_owner_adds_an_endpoint_and_sees_its_secret(installed, owner_client):
    response = owner_client.post(
        f"{BASE}new/",
        {"url": "https://8.8.8.8/erp", "events": ["order.placed", "order.refunded"], "description": "ERP"},
        follow=True,
    )

    endpoint = Endpoint.objects.get()
    assert (endpoint.url, endpoint.events, endpoint.description) == (
        "https://8.8.8.8/erp",
        ["order.placed", "order.refunded"],
        "ERP",
    )
    assert response.redirect_chain == [(f"{BASE}{endpoint.pk}/", 302)]
    page = response.content.decode()
    assert "The endpoint was added." in page
    assert endpoint.secret in page
    listed = owner_client.get(BASE).content.decode()
    assert "https://8.8.8.8/erp" in listed and "None yet" in listed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"url": "https://10.0.0.1/x", "events": ["order.placed"]},
            "10.0.0.1 is not a public internet address",
        ),
        ({"url": "http://8.8.8.8/x", "events": ["order.placed"]}, "Enter an https:// URL"),
        ({"url": "https://8.8.8.8/x"}, "Choose at least one event."),
        ({"url": "https://8.8.8.8/x", "events": ["order.shipped"]}, "Select a valid choice."),
    ],
)
def test_a_refused_endpoint_is_shown_on_the_form_and_nothing_is_saved(installed, owner_client, data, message):
    response = owner_client.post(f"{BASE}new/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Endpoint.objects.exists()


def test_editing_an_endpoint(installed, owner_client):
    endpoint = make_endpoint(description="Old")

    form = owner_client.get(f"{BASE}{endpoint.pk}/edit/").content.decode()
    assert 'value="Old"' in form and 'value="order.placed" ' in form.replace("checked", " ")
    owner_client.post(
        f"{BASE}{endpoint.pk}/edit/",
        {"url": "https://8.8.4.4/new", "events": ["order.status_changed"], "description": "New"},
    )

    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.description) == (
        "https://8.8.4.4/new",
        ["order.status_changed"],
        "New",
    )


def test_rotating_disabling_enabling_and_deleting(installed, owner_client):
    endpoint = make_endpoint()

    owner_client.post(f"{BASE}{endpoint.pk}/rotate-secret/")
    rotated = Endpoint.objects.get()
    assert rotated.secret != endpoint.secret and rotated.secret.startswith("whsec_")

    page = owner_client.post(f"{BASE}{endpoint.pk}/active/", {"active": "0"}, follow=True).content.decode()
    assert not Endpoint.objects.get().is_active
    assert "Disabled by the owner." in page and "Send a test event" not in page

    owner_client.post(f"{BASE}{endpoint.pk}/active/", {"active": "1"})
    assert Endpoint.objects.get().is_active

    response = owner_client.post(f"{BASE}{endpoint.pk}/delete/", follow=True)
    assert response.redirect_chain == [(BASE, 302)]
    assert not Endpoint.objects.exists()


def test_a_test_event_and_retry_now_from_the_page(
    endpoint, receiver, owner_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = owner_client.post(f"{BASE}{endpoint.pk}/test/", follow=True).content.decode()
    assert "A test event is on its way" in page
    assert receiver.wait_for(1)[0].headers["lojista-event"] == "ping"

    failed = delivery(
        endpoint, status=Status.FAILED, attempts=8, last_status_code=500, last_error="HTTP 500."
    )
    log = owner_client.get(f"{BASE}{endpoint.pk}/?status=failed").content.decode()
    assert "HTTP 500." in log and "Retry now" in log
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"{BASE}deliveries/{failed.pk}/retry/")

    failed.refresh_from_db()
    assert (failed.status, failed.last_status_code) == (Status.SUCCEEDED, 200)
    assert len(receiver.requests) == 2


def test_the_log_of_a_real_order_links_the_order_and_shows_what_was_sent(
    endpoint, receiver, commit, owner_client
):
    order = commit(placed_order)
    row = Delivery.objects.get()

    log = owner_client.get(f"{BASE}{endpoint.pk}/").content.decode()
    detail = owner_client.get(f"{BASE}deliveries/{row.pk}/").content.decode()

    assert f"/backoffice/orders/{order.number}/" in log
    assert "Delivered" in log and "<code>200</code>" in log
    assert str(row.event_id) in detail and "&quot;order.placed&quot;" in detail
    listed = owner_client.get(BASE).content.decode()
    assert "Delivered" in listed and "<code>200</code>" in listed


def test_what_endpoints_and_receivers_wrote_is_escaped(installed, owner_client):
    endpoint = make_endpoint(
        description="<script>alert(1)</script>", is_active=False, disabled_reason="<b>down</b>"
    )
    row = delivery(
        endpoint,
        status=Status.FAILED,
        last_error="<img src=x onerror=alert(2)>",
        response_excerpt="<i>hi</i>",
    )

    pages = "".join(
        owner_client.get(path).content.decode()
        for path in (BASE, f"{BASE}{endpoint.pk}/", f"{BASE}deliveries/{row.pk}/")
    )

    assert "<script>alert(1)" not in pages and "&lt;script&gt;alert(1)&lt;/script&gt;" in pages
    assert "<b>down</b>" not in pages and "&lt;b&gt;down&lt;/b&gt;" in pages
    assert "<img src=x" not in pages and "<i>hi</i>" not in pages


def test_a_tampered_page_link_shows_the_first_page(installed, owner_client):
    endpoint = make_endpoint()
    delivery(endpoint)

    page = owner_client.get(f"{BASE}{endpoint.pk}/?cursor=nonsense").content.decode()

    assert "That page link is not valid" in page and "order.placed" in page


def log_queries(client: Client, endpoint: Endpoint) -> int:
    installed_slugs()  # cached, as for every request but the first after a change
    with CaptureQueriesContext(connection) as context:
        response = client.get(f"{BASE}{endpoint.pk}/")
    assert response.status_code == 200
    return len(context)


def test_the_log_page_costs_the_same_for_a_few_deliveries_or_many(installed, owner_client):
    few = make_endpoint()
    many = make_endpoint(url="https://8.8.8.8/many")
    for _ in range(3):
        delivery(few, order_number=1001)
    for _ in range(60):
        delivery(many, order_number=1001)

    cost = log_queries(owner_client, few)

    assert cost == log_queries(owner_client, many)
    # The session and its user, the endpoint, the page (the install flags
    # are cached).
    assert cost <= 4
    page = owner_client.get(f"{BASE}{many.pk}/").content.decode()
    assert page.count("Retry now") == 50 and "Next page" in page
