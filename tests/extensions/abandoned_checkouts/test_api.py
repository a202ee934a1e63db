"""The staff API: roles, the list's keyset pages, one checkout, a reminder by
hand (409 with its reason), the results (422 on a bad range), the settings
(owner); every endpoint 404 while the extension is not installed."""

from datetime import timedelta

import pytest

from lojista.core.extensions import extension_uninstall
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout
from tests.extensions.abandoned_checkouts.recovery_helpers import T0, abandoned_row

Status = AbandonedCheckout.Status
pytestmark = pytest.mark.django_db

BASE = "/api/v1/admin/abandoned-checkouts"
SETTINGS = {
    "delay_minutes": 0,
    "auto_send": True,
    "schedule_minutes": [0, 60],
    "link_ttl_days": 3,
    "retention_days": 30,
}


def put_json(api, path, body, headers):
    return api.put(path, body, content_type="application/json", headers=headers)


def post_json(api, path, body, headers):
    return api.post(path, body, content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", BASE),
        ("get", f"{BASE}/1"),
        ("get", f"{BASE}/stats?from=2026-03-01&to=2026-03-02"),
        ("get", f"{BASE}/settings"),
    ],
)
def test_every_endpoint_is_404_while_uninstalled(api, owner_headers, method, path):
    response = getattr(api, method)(path, headers=owner_headers)

    assert response.status_code == 404


def test_staff_read_and_remind_but_only_owners_see_the_settings(
    api, installed, staff_headers, owner_headers, customer_headers
):
    assert api.get(BASE, headers=staff_headers).status_code == 200
    assert api.get(BASE).status_code == 401
    assert api.get(BASE, headers=customer_headers).status_code == 403
    assert api.get(f"{BASE}/settings", headers=staff_headers).status_code == 403
    assert put_json(api, f"{BASE}/settings", SETTINGS, staff_headers).status_code == 403

    response = put_json(api, f"{BASE}/settings", SETTINGS, owner_headers)
    assert response.status_code == 200, response.content
    assert response.json() == SETTINGS
    assert api.get(f"{BASE}/settings", headers=owner_headers).json() == SETTINGS


def test_bad_settings_are_422_naming_each_field(api, installed, owner_headers):
    body = {**SETTINGS, "schedule_minutes": [60, 30], "link_ttl_days": 0}

    response = put_json(api, f"{BASE}/settings", body, owner_headers)

    assert response.status_code == 422
    assert set(response.json()["details"]["fields"]) == {"schedule_minutes", "link_ttl_days"}


def test_the_list_pages_newest_first_by_status_in_constant_queries(
    api, installed, staff_headers, django_assert_max_num_queries
):
    rows = [abandoned_row(abandoned_at=T0 + timedelta(minutes=n)) for n in range(5)]
    AbandonedCheckout.objects.filter(pk=rows[1].pk).update(status=Status.RECOVERED)
    abandoned_row(abandoned_at=None, started_at=T0, status=Status.WATCHING)

    seen, cursor = [], None
    while True:
        url = f"{BASE}?limit=2" + (f"&cursor={cursor}" if cursor else "")
        # The install flag (the glue), the staff token (and its last use, at
        # most once a minute), then the page with its customer and order
        # joined: as many at any depth.
        with django_assert_max_num_queries(4) as captured:
            page = api.get(url, headers=staff_headers).json()
        assert "OFFSET" not in captured.captured_queries[-1]["sql"]
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == [row.pk for row in reversed(rows)]
    recovered = api.get(f"{BASE}?status=recovered", headers=staff_headers).json()["items"]
    assert [item["id"] for item in recovered] == [rows[1].pk]
    assert recovered[0]["status_label"] == "Recovered"
    assert api.get(f"{BASE}?cursor=nope", headers=staff_headers).status_code == 422
    assert api.get(f"{BASE}?status=watching", headers=staff_headers).json()["items"] == []


def test_one_checkout_with_its_reminders(api, installed, mug, staff, staff_headers):
    row = abandoned_row(variant=mug, quantity=2, cart_value="25.00")

    response = post_json(api, f"{BASE}/{row.pk}/remind", {"message": "Olá!"}, staff_headers)
    assert response.status_code == 201, response.content
    assert response.json()["manual"] is True
    assert response.json()["sent_by"] == "Sam Staff"

    body = api.get(f"{BASE}/{row.pk}", headers=staff_headers).json()
    assert body["status"] == "reminded"
    assert body["cart_value"] == {"amount": "25.00", "currency": "EUR"}
    assert body["items"][0]["sku"] == mug.sku
    assert [(r["step"], r["message"]) for r in body["reminders"]] == [(None, "Olá!")]
    assert api.get(f"{BASE}/999999", headers=staff_headers).json()["code"] == "abandoned_checkout_not_found"


def test_a_refused_reminder_is_409_with_its_reason(api, installed, mug, staff_headers):
    row = abandoned_row(variant=mug)
    assert post_json(api, f"{BASE}/{row.pk}/remind", {}, staff_headers).status_code == 201

    response = post_json(api, f"{BASE}/{row.pk}/remind", {}, staff_headers)

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["details"]) == (
        "reminder_not_allowed",
        {"reason": "too_soon"},
    )
    long = post_json(api, f"{BASE}/{row.pk}/remind", {"message": "x" * 1001}, staff_headers)
    assert long.status_code == 422


def test_the_results_and_their_range(api, installed, staff_headers):
    abandoned_row(abandoned_at=T0)

    response = api.get(f"{BASE}/stats?from=2026-03-02&to=2026-03-03", headers=staff_headers)
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["abandoned"] == 1
    assert body["totals"]["revenue"] == {"amount": "0.00", "currency": "EUR"}
    assert [(day["day"], day["abandoned"]) for day in body["days"]] == [("2026-03-02", 1), ("2026-03-03", 0)]

    backwards = api.get(f"{BASE}/stats?from=2026-03-03&to=2026-03-02", headers=staff_headers)
    assert (backwards.status_code, list(backwards.json()["details"]["fields"])) == (422, ["from"])
    too_long = api.get(f"{BASE}/stats?from=2025-03-01&to=2026-03-02", headers=staff_headers)
    assert (too_long.status_code, list(too_long.json()["details"]["fields"])) == (422, ["to"])
    assert api.get(f"{BASE}/stats?from=2025-03-02&to=2026-03-02", headers=staff_headers).status_code == 200
    assert api.get(f"{BASE}/stats?from=yesterday&to=2026-03-02", headers=staff_headers).status_code == 422


def test_uninstalling_closes_the_endpoints_at_once(api, installed, staff_headers):
    assert api.get(BASE, headers=staff_headers).status_code == 200
    extension_uninstall(slug=SLUG)
    assert api.get(BASE, headers=staff_headers).status_code == 404
