"""Roles in the back-office API: every /api/v1/admin/ operation declares
whether staff or only owners may use it, and answers accordingly."""

import re

import pytest

from conftest import bearer
from lojista.api import api as ninja_api
from lojista.core.extensions import extension_configs, extension_install
from lojista.customers.models import ApiToken, User

ADMIN_PREFIX = "/api/v1/admin/"

# The role of every back-office operation; docs/api.md and docs/security.md
# list the same. A new admin endpoint fails the tests below until it is added
# here with its auth (staff_auth or owner_auth).
ROLES = {
    ("PUT", "/api/v1/admin/variants/{variant_id}/stock"): "staff",
    ("POST", "/api/v1/admin/variants/{variant_id}/stock/adjust"): "staff",
    ("GET", "/api/v1/admin/orders"): "staff",
    ("POST", "/api/v1/admin/orders/bulk-transitions"): "staff",
    ("GET", "/api/v1/admin/orders/{number}"): "staff",
    ("POST", "/api/v1/admin/orders/{number}/transitions"): "staff",
    ("POST", "/api/v1/admin/orders/{number}/messages"): "staff",
    ("GET", "/api/v1/admin/orders/tabs"): "staff",
    ("POST", "/api/v1/admin/orders/{number}/notes"): "staff",
    ("PUT", "/api/v1/admin/orders/{number}/tracking"): "staff",
    ("POST", "/api/v1/admin/orders/{number}/refunds/retry"): "staff",
    ("POST", "/api/v1/admin/orders/{number}/refunds/manual"): "staff",
    ("POST", "/api/v1/admin/orders/{number}/payments/mark-paid"): "staff",
    ("POST", "/api/v1/admin/orders/bulk-mark-paid"): "staff",
    ("GET", "/api/v1/admin/outbox"): "staff",
    ("POST", "/api/v1/admin/outbox/{message_id}/retry"): "staff",
    ("GET", "/api/v1/admin/notification-settings"): "owner",
    ("PUT", "/api/v1/admin/notification-settings"): "owner",
    ("GET", "/api/v1/admin/extensions"): "owner",
    ("PUT", "/api/v1/admin/extensions/{slug}"): "owner",
    # The Abandoned checkouts extension's (mounted whether installed or not).
    ("GET", "/api/v1/admin/abandoned-checkouts"): "staff",
    ("GET", "/api/v1/admin/abandoned-checkouts/{abandoned_id}"): "staff",
    ("POST", "/api/v1/admin/abandoned-checkouts/{abandoned_id}/remind"): "staff",
    ("GET", "/api/v1/admin/abandoned-checkouts/stats"): "staff",
    ("GET", "/api/v1/admin/abandoned-checkouts/settings"): "owner",
    ("PUT", "/api/v1/admin/abandoned-checkouts/settings"): "owner",
    ("GET", "/api/v1/admin/email-templates"): "owner",
    ("GET", "/api/v1/admin/email-templates/{kind}/{language}"): "owner",
    ("PUT", "/api/v1/admin/email-templates/{kind}/{language}"): "owner",
    ("DELETE", "/api/v1/admin/email-templates/{kind}/{language}"): "owner",
    ("POST", "/api/v1/admin/email-templates/{kind}/{language}/preview"): "owner",
    ("POST", "/api/v1/admin/email-templates/{kind}/{language}/test-send"): "owner",
    # The order-webhooks extension (installed by the ``tokens`` fixture).
    ("GET", "/api/v1/admin/webhooks"): "owner",
    ("POST", "/api/v1/admin/webhooks"): "owner",
    ("GET", "/api/v1/admin/webhooks/{endpoint_id}"): "owner",
    ("PATCH", "/api/v1/admin/webhooks/{endpoint_id}"): "owner",
    ("DELETE", "/api/v1/admin/webhooks/{endpoint_id}"): "owner",
    ("POST", "/api/v1/admin/webhooks/{endpoint_id}/rotate-secret"): "owner",
    ("POST", "/api/v1/admin/webhooks/{endpoint_id}/test"): "owner",
    ("GET", "/api/v1/admin/webhooks/{endpoint_id}/deliveries"): "owner",
    ("POST", "/api/v1/admin/webhooks/deliveries/{delivery_id}/retry"): "owner",
}
SCHEMES = {"staff": "StaffAuth", "owner": "OwnerAuth"}
# Values for path parameters: enough to reach the guard, which runs first.
PATH_VALUES = {"kind": "order_confirmation", "language": "en", "slug": "order-webhooks"}


def admin_operations() -> dict[tuple[str, str], dict]:
    document = ninja_api.get_openapi_schema()
    return {
        (method.upper(), path): operation
        for path, operations in document["paths"].items()
        if path.startswith(ADMIN_PREFIX)
        for method, operation in operations.items()
    }


def test_every_admin_operation_declares_its_role_in_openapi():
    operations = admin_operations()

    assert set(operations) == set(ROLES)
    for key, operation in operations.items():
        assert operation.get("security") == [{SCHEMES[ROLES[key]]: []}], key
        assert {"401", "403"} <= {str(status) for status in operation["responses"]}, key


def test_no_admin_url_is_left_out_of_the_openapi_document():
    """An operation hidden from the schema would escape the check above."""
    routes = {
        "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for pattern in ninja_api.urls[0]
    }
    documented = {path for _, path in admin_operations()}

    assert {route for route in routes if route.startswith(ADMIN_PREFIX)} == documented


def call(client, method: str, path: str, headers: dict[str, str]):
    url = re.sub(r"\{(\w+)\}", lambda match: PATH_VALUES.get(match.group(1), "1"), path)
    return client.generic(method, url, "{}", content_type="application/json", headers=headers)


@pytest.fixture
def tokens(db, customer, staff, owner) -> dict[str, dict[str, str]]:
    # An extension's endpoints answer 404 before any role check while it is
    # not installed: install them all, so their roles are checked too.
    for config in extension_configs():
        extension_install(slug=config.slug)
    return {
        "customer": bearer(ApiToken.issue(customer)),
        "staff": bearer(ApiToken.issue(staff)),
        "owner": bearer(ApiToken.issue(owner)),
    }


@pytest.mark.parametrize(("method", "path"), sorted(ROLES))
def test_each_admin_operation_lets_in_exactly_its_roles(api, tokens, method, path):
    role = ROLES[(method, path)]
    allowed = {"staff": {"staff", "owner"}, "owner": {"owner"}}[role]

    assert call(api, method, path, {}).status_code == 401
    for who, headers in tokens.items():
        response = call(api, method, path, headers)
        if who in allowed:
            assert response.status_code not in (401, 403), (who, response.content)
        else:
            assert response.status_code == 403, (who, response.content)
            assert response.json()["code"] == "forbidden"


def test_staff_cannot_change_the_shop_settings(api, staff_headers):
    response = api.put(
        "/api/v1/admin/notification-settings",
        {"order_notification_emails": ["thief@example.com"]},
        content_type="application/json",
        headers=staff_headers,
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.django_db
def test_a_staff_flag_without_a_role_is_not_enough(api):
    """An account made staff by hand (e.g. in a shell) without a role
    gets no back-office access until it is given one."""
    user = User.objects.create_user("half@example.com", "half staff password", is_staff=True)

    response = api.get("/api/v1/admin/orders", headers=bearer(ApiToken.issue(user)))

    assert response.status_code == 403
