"""Merchant-editable email templates: save, refuse, preview, test send, and
the sandbox they run in."""

import pytest

from lojista.notifications import kinds
from lojista.notifications.context import email_context
from lojista.notifications.models import EmailTemplate, NotificationSettings, OutboxMessage
from lojista.notifications.order_kinds import order_ref
from lojista.notifications.templating import freeze
from lojista.orders.models import Order
from tests.notifications.factories import make_order

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/email-templates/order_confirmation/en"
VALID = {
    "subject": "Thanks for order #{{ order.number }}",
    "body_text": "{% for line in order.lines %}{{ line.quantity }} x {{ line.product_name }}\n{% endfor %}",
    "body_html": "<p>Hello {{ order.customer_name|upper }}</p>",
}


def put(api, headers, url=URL, **changes):
    return api.put(url, {**VALID, **changes}, content_type="application/json", headers=headers)


def preview(api, headers, url=URL, **body):
    return api.post(f"{url}/preview", body, content_type="application/json", headers=headers)


def test_the_list_shows_every_email_in_every_language_shipped_or_overridden(api, owner_headers):
    put(api, owner_headers)

    response = api.get("/api/v1/admin/email-templates", headers=owner_headers)

    assert response.status_code == 200
    rows = {(row["kind"], row["language"]): row for row in response.json()}
    kinds = {"new_order", "order_confirmation", "order_processed", "order_delivered", "order_cancelled"}
    kinds |= {"order_contact", "order_cancelled_shop", "password_reset", "staff_invitation"}
    # The Abandoned checkouts extension's (registered installed or not).
    kinds |= {
        "abandoned_checkout_1",
        "abandoned_checkout_2",
        "abandoned_checkout_3",
        "abandoned_checkout_manual",
    }
    assert set(rows) == {(kind, language) for kind in kinds for language in ("en", "pt-br")}
    assert rows["order_confirmation", "en"]["overridden"] is True
    assert rows["order_confirmation", "en"]["subject"] == VALID["subject"]
    assert rows["order_confirmation", "pt-br"]["overridden"] is False
    assert "{% blocktrans" in rows["order_confirmation", "pt-br"]["subject"]


def test_saving_and_resetting_a_template(api, owner_headers, owner):
    response = put(api, owner_headers, url="/api/v1/admin/email-templates/order_confirmation/pt-BR")
    assert response.status_code == 200
    assert (response.json()["language"], response.json()["overridden"]) == ("pt-br", True)
    assert EmailTemplate.objects.get().updated_by == owner

    response = api.delete("/api/v1/admin/email-templates/order_confirmation/pt-br", headers=owner_headers)

    assert response.status_code == 200
    assert response.json()["overridden"] is False
    assert not EmailTemplate.objects.exists()


@pytest.mark.parametrize(
    ("field", "source", "says"),
    [
        ("body_html", "{% debug %}", "debug"),
        ("body_html", "{% load static %}", "load"),
        ("body_text", '{% include "emails/layout.html" %}', "include"),
        ("body_html", '{% extends "base.html" %}', "extends"),
        ("body_html", "{% url 'admin:index' %}", "url"),
        ("body_html", "{% csrf_token %}", "csrf_token"),
        ("body_html", "{% autoescape off %}{{ order.email }}{% endautoescape %}", "autoescape"),
        ("body_html", "{{ order.email|safe }}", "safe"),
        ("subject", "{% if order.number %}", "endif"),
        ("body_text", "{{ order.__class__ }}", "underscore"),
    ],
)
def test_a_template_using_what_is_not_allowed_is_refused(api, owner_headers, field, source, says):
    response = put(api, owner_headers, **{field: source})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert says in body["details"]["fields"][field][0]
    assert not EmailTemplate.objects.exists()


def test_an_unknown_kind_or_language_is_not_found(api, owner_headers):
    assert put(api, owner_headers, url="/api/v1/admin/email-templates/test/en").status_code == 404
    assert (
        put(api, owner_headers, url="/api/v1/admin/email-templates/order_confirmation/fr").status_code == 404
    )


def test_templates_are_for_the_owner_only(api, customer_headers, staff_headers):
    assert api.get("/api/v1/admin/email-templates").status_code == 401
    assert api.get("/api/v1/admin/email-templates", headers=customer_headers).status_code == 403
    assert put(api, customer_headers).status_code == 403
    assert api.get("/api/v1/admin/email-templates", headers=staff_headers).status_code == 403
    assert put(api, staff_headers).status_code == 403


def test_preview_renders_the_saved_template_on_a_real_order(api, owner_headers):
    order = make_order()
    put(api, owner_headers)

    response = preview(api, owner_headers, order_number=order.number)

    assert response.status_code == 200
    body = response.json()
    assert body["subject"] == f"Thanks for order #{order.number}"
    assert body["text"] == "2 x Camiseta Lojista\n1 x Caneca\n"
    assert "<p>Hello ANA SOUZA</p>" in body["html"]


def test_preview_of_the_shipped_template_and_of_a_draft(api, owner_headers):
    order = make_order()

    shipped = preview(api, owner_headers, order_number=order.number).json()
    draft = preview(api, owner_headers, order_number=order.number, subject="Draft {{ order.total }}").json()
    broken = preview(api, owner_headers, subject="{% debug %}")

    assert shipped["subject"] == f"Order #{order.number} confirmed"
    assert draft["subject"] == "Draft €65.00"
    assert f"Thank you for your order #{order.number}" in draft["text"]  # the other parts: saved (shipped)
    assert broken.status_code == 422


def test_preview_without_an_order_uses_a_sample_and_an_unknown_order_is_not_found(api, owner_headers):
    assert preview(api, owner_headers).json()["subject"] == "Order #1001 confirmed"
    assert preview(api, owner_headers, order_number=999999).status_code == 404


def test_a_template_cannot_reach_settings_or_call_methods(api, owner_headers):
    order = make_order()
    source = (
        "[{{ settings.SECRET_KEY }}][{{ request.user }}][{{ order.save }}][{{ order.delete }}]"
        "[{{ order.lines.0.delete }}][{{ order.refresh_from_db }}][{{ order.lines.count }}]"
    )

    response = preview(api, owner_headers, order_number=order.number, body_text=source)

    assert response.status_code == 200
    assert response.json()["text"] == "[][][][][][][]\n"
    assert Order.objects.filter(pk=order.pk, status="pending").exists()


def test_the_context_holds_only_plain_data():
    def leaves(value):
        if isinstance(value, dict | type(freeze({}))):
            for item in value.values():
                yield from leaves(item)
        elif isinstance(value, tuple | list):
            for item in value:
                yield from leaves(item)
        else:
            yield value

    order = make_order()
    context = freeze(
        email_context(kind=kinds.get("new_order"), ref=order_ref(order), shop=NotificationSettings.load())
    )

    types = {type(leaf).__name__ for leaf in leaves(context)}
    assert types <= {"str", "int", "bool", "datetime", "NoneType"}


def test_html_escapes_what_customers_typed(api, owner_headers):
    order = make_order(shipping_address={"name": "<script>alert(1)</script>", "line1": "x"})

    html = preview(api, owner_headers, order_number=order.number).json()["html"]
    text = preview(api, owner_headers, order_number=order.number).json()["text"]

    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Hello <script>alert(1)</script>," in text  # plain text is not HTML


def test_a_test_send_goes_to_the_owner_marked_as_a_test(
    api, owner_headers, smtp, django_capture_on_commit_callbacks
):
    order = make_order()
    put(api, owner_headers)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"{URL}/test-send",
            {"order_number": order.number},
            content_type="application/json",
            headers=owner_headers,
        )

    assert response.status_code == 202
    assert response.json()["kind"] == "order_confirmation"
    assert response.json()["is_test"] is True
    [received] = smtp.received
    assert received.rcpt_tos == ["owner@example.com"]
    assert received.subject == f"[Test] Thanks for order #{order.number}"
    assert not order.events.filter(type__startswith="email").exists()


def test_a_test_send_to_an_invalid_address_is_refused(api, owner_headers):
    response = api.post(
        f"{URL}/test-send", {"to": "not an address"}, content_type="application/json", headers=owner_headers
    )

    assert response.status_code == 422
    assert "not an address" in response.json()["details"]["fields"]["to"][0]
    assert not OutboxMessage.objects.exists()


def test_text_marked_safe_elsewhere_is_still_escaped():
    from django.utils.safestring import mark_safe

    from lojista.notifications.templating import compile_template, render

    html = render(compile_template("{{ name }}", "html"), {"name": mark_safe("<b>x</b>")})

    assert html == "&lt;b&gt;x&lt;/b&gt;"
