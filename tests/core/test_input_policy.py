"""One input rule for the whole API: no control characters in any text (body,
path, query, header), and no field a schema does not name."""

from urllib.parse import quote

import pytest
from pydantic import BaseModel

from conftest import bearer
from lojista.api import api as lojista_api
from lojista.core.pagination import encode_cursor
from lojista.core.schemas import InputSchema
from lojista.customers.models import ApiToken, User
from lojista.notifications.models import EmailTemplate, NotificationSettings
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db

NUL = "\x00"


def fields(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_input"
    return body["details"]["fields"]


@pytest.fixture
def owner_headers(db) -> dict[str, str]:
    owner = User.objects.create_superuser("owner@example.com", "owner password 1", name="Olga Owner")
    return bearer(ApiToken.issue(owner))


def _operations():
    for router in lojista_api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield path, operation


def _models_in(annotation) -> set[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        nested = {annotation}
        for field in annotation.model_fields.values():
            nested |= _models_in(field.annotation)
        return nested
    found: set[type[BaseModel]] = set()
    for arg in getattr(annotation, "__args__", ()):
        found |= _models_in(arg)
    return found


def test_every_body_schema_and_every_schema_nested_in_it_is_an_input_schema():
    """A new endpoint cannot forget the rule: its body must be an InputSchema."""
    bodies = 0
    for path, operation in _operations():
        for params in operation.models:
            if params.__ninja_param_source__ != "body":
                continue
            for name, field in params.model_fields.items():
                models = _models_in(field.annotation)
                assert models, f"{path} {name}: a body must be a schema, not a bare value"
                for model in models:
                    bodies += 1
                    assert issubclass(model, InputSchema), f"{path}: {model.__name__} is not an InputSchema"
    assert bodies >= 15


def _parameters(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                yield path, method, parameter


def test_every_path_query_and_header_parameter_refuses_control_characters(api, owner_headers):
    """Walks the OpenAPI document: a NUL in any parameter is 422 naming it."""
    schema = api.get("/api/v1/openapi.json").json()
    checked = 0
    for path, method, parameter in _parameters(schema):
        name, where = parameter["name"], parameter["in"]
        url = path.replace("{", "").replace("}", "")  # placeholder values: the parameter names
        headers = dict(owner_headers)
        if where == "path":
            url = url.replace(name, quote(f"a{NUL}b"), 1)
        elif where == "query":
            url += f"?{name}={quote(f'a{NUL}b')}"
        else:
            headers[name] = f"a{NUL}b"
        response = api.generic(method.upper(), url, headers=headers)
        assert name in fields(response), (method, path, name)
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/products?q=%00",
        "/api/v1/products?q=caf%C2%85",  # a C1 control character (NEL)
        "/api/v1/products/a%00b",
        "/api/v1/products?cursor=%0A",
    ],
)
def test_a_guest_browsing_with_control_characters_gets_422_not_500(api, url):
    name = "slug" if "/products/a" in url else url.split("?")[1].split("=")[0]
    assert name in fields(api.get(url))


def test_registering_with_a_nul_in_the_name_or_email_is_refused_and_creates_nobody(api):
    for field, value in [("name", f"Ana{NUL}"), ("email", f"ana{NUL}@example.com")]:
        body = {"email": "ana@example.com", "password": "a long passphrase 1", "name": "Ana", field: value}
        response = api.post("/api/v1/auth/register", body, content_type="application/json")
        assert field in fields(response)
    assert not User.objects.exists()


def test_logging_in_with_a_nul_in_the_email_is_422(api, customer):
    response = api.post(
        "/api/v1/auth/login",
        {"email": f"ana@example.com{NUL}", "password": "correct horse battery"},
        content_type="application/json",
    )
    assert "email" in fields(response)


def test_a_lone_surrogate_in_json_is_refused(api):
    raw = '{"email": "a@example.com", "password": "a long passphrase 1", "name": "\\ud800"}'
    response = api.post("/api/v1/auth/register", raw, content_type="application/json")
    assert "name" in fields(response)


def test_line_breaks_are_refused_in_single_line_text_and_kept_in_multi_line_text(api, owner_headers):
    url = "/api/v1/admin/email-templates/order_confirmation/en"
    template = {
        "subject": "Order {{ order.number }}",
        "body_text": "Hello\r\n\tthere\n",
        "body_html": "<p>x</p>",
    }

    saved = api.put(url, template, content_type="application/json", headers=owner_headers)
    refused = api.put(
        url,
        {**template, "subject": "Order\r\nBcc: x@example.com"},
        content_type="application/json",
        headers=owner_headers,
    )

    assert saved.status_code == 200, saved.content
    assert "subject" in fields(refused)
    assert EmailTemplate.objects.get().subject == "Order {{ order.number }}"


def test_multi_line_text_still_refuses_other_control_characters(api, owner_headers):
    url = "/api/v1/admin/email-templates/order_confirmation/en"
    template = {"subject": "Order", "body_text": f"Hello{NUL}", "body_html": "<p>\x1b[31m</p>"}

    response = api.put(url, template, content_type="application/json", headers=owner_headers)

    assert set(fields(response)) == {"body_text", "body_html"}
    assert not EmailTemplate.objects.exists()


def test_notification_settings_with_a_nul_change_nothing(api, owner_headers):
    body = {"sender_name": "Loja", "order_notification_emails": [f"a{NUL}@example.com"]}

    response = api.put(
        "/api/v1/admin/notification-settings", body, content_type="application/json", headers=owner_headers
    )

    assert "order_notification_emails" in fields(response)
    assert NotificationSettings.load().sender_name == ""


def test_staff_search_with_a_nul_is_422(api, owner_headers):
    response = api.get("/api/v1/admin/orders?q=1001%00", headers=owner_headers)
    assert "q" in fields(response)


def test_an_idempotency_key_with_a_nul_is_422(api):
    response = api.post(
        "/api/v1/checkouts/00000000-0000-0000-0000-000000000000/complete",
        {"payment_method": "offline"},
        content_type="application/json",
        headers={"Idempotency-Key": f"key{NUL}"},
    )
    assert "Idempotency-Key" in fields(response)


# Unknown fields: refused the same way by every input schema.


def test_unknown_fields_are_refused_alike_in_cart_lines_transitions_and_registration(api, owner_headers):
    variant = make_variant(make_product(), stock=5)
    cart = api.post("/api/v1/carts").json()["token"]
    requests = [
        (f"/api/v1/carts/{cart}/lines", {"variant_id": variant.pk, "quantity": 1, "price": "0.01"}, {}),
        ("/api/v1/admin/orders/1001/transitions", {"to": "processed", "price": "0.01"}, owner_headers),
        (
            "/api/v1/auth/register",
            {"email": "bia@example.com", "password": "a long passphrase 1", "name": "Bia", "price": "0"},
            {},
        ),
    ]
    for url, body, headers in requests:
        response = api.post(url, body, content_type="application/json", headers=headers)
        assert fields(response) == {"price": ["This field is not allowed."]}, url
    assert api.get(f"/api/v1/carts/{cart}").json()["lines"] == []
    assert not User.objects.filter(email="bia@example.com").exists()


@pytest.mark.parametrize("position", [10**30, -1])
def test_a_cursor_holding_an_integer_out_of_range_is_422_not_500(api, position):
    response = api.get(f"/api/v1/products?cursor={encode_cursor({'id': position})}")

    assert "cursor" in fields(response)
