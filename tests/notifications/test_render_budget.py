"""Merchant templates have a render budget: loop iterations, the text
written, the length of any value built, and time. Each attack is refused on
save and in the preview with a message that says which limit, and a stored
template over budget on a real order costs the worker a bounded moment: the
customer gets the shipped email, the outbox row says why, and every other
email goes out."""

import time

import pytest

from lojista.notifications import kinds, services
from lojista.notifications.models import EmailTemplate, OutboxMessage
from lojista.notifications.order_kinds import ORDER_CONFIRMATION
from lojista.notifications.rendering import LANGUAGE_CODES
from lojista.notifications.templating import shipped_source
from lojista.orders.models import OrderEvent
from tests.notifications.conftest import MERCHANT
from tests.notifications.factories import ADDRESS, make_order, place_order

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/email-templates/order_confirmation/en"
PLAIN = {"subject": "Order {{ order.number }}", "body_text": "Thanks.", "body_html": "<p>Thanks.</p>"}

LOOPS = (
    "{% for a in order.customer_name %}{% for b in order.customer_name %}"
    "{% for c in order.customer_name %}.{% endfor %}{% endfor %}{% endfor %}"
)
# 23 nested {% with %}, each doubling the previous value: 2**23 times the name.
WITH_ADD = (
    "{% with v0=order.customer_name %}"
    + "".join(f"{{% with v{i + 1}=v{i}|add:v{i} %}}" for i in range(23))
    + "{{ v23|length }}"
    + "{% endwith %}" * 24
)
BLOCKTRANS_ASVAR = (
    "{% with v0=order.customer_name %}"
    + "".join(
        f"{{% blocktrans asvar v{i + 1} %}}{{{{ v{i} }}}}{{{{ v{i} }}}}{{% endblocktrans %}}"
        for i in range(23)
    )
    + "{% endwith %}"
)

ITERATIONS = "loop iterations"
VALUE = "builds a value longer than"
OUTPUT = "too much text"
ATTACKS = {
    "three nested loops": (LOOPS, ITERATIONS),
    "with and add doubling": (WITH_ADD, VALUE),
    "blocktrans asvar doubling": (BLOCKTRANS_ASVAR, VALUE),
    "heavy only off the sample order": (f"{{% if order.number != 1001 %}}{LOOPS}{{% endif %}}", ITERATIONS),
    "heavy only on one order number": (f"{{% if order.number == 4242 %}}{LOOPS}{{% endif %}}", ITERATIONS),
    "heavy in an else": (f"{{% if order.lines %}}ok{{% else %}}{LOOPS}{{% endif %}}", ITERATIONS),
    "heavy in a for's empty": (f"{{% for x in order.lines %}}{{% empty %}}{LOOPS}{{% endfor %}}", ITERATIONS),
    "join on itself": ("{{ payment_instructions|join:payment_instructions }}", VALUE),
    "huge float precision": ("{{ order.item_count|floatformat:999999999 }}", VALUE),
    "output in a loop": (
        "{% for a in order.customer_name %}{{ payment_instructions }}{{ payment_instructions }}{% endfor %}",
        OUTPUT,
    ),
    "many variables": ("{{ payment_instructions }}" * 400, OUTPUT),
    "nested too deeply": ("{% if 1 %}" * 2000 + "{% endif %}" * 2000, "nested too deeply"),
}


def put(api, headers, **parts):
    return api.put(URL, {**PLAIN, **parts}, content_type="application/json", headers=headers)


def messages_of(response) -> list[str]:
    return [message for messages in response.json()["details"]["fields"].values() for message in messages]


@pytest.mark.parametrize("part", ["body_text", "body_html"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_each_attack_is_refused_on_save_saying_which_limit(api, owner_headers, attack, part):
    source, says = ATTACKS[attack]
    started = time.monotonic()

    response = put(api, owner_headers, **{part: source})

    assert time.monotonic() - started < 10
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert any(says in message for message in messages_of(response)), response.json()
    assert not EmailTemplate.objects.exists()


@pytest.mark.parametrize(
    "attack", ["three nested loops", "with and add doubling", "heavy only on one order number"]
)
def test_each_attack_is_refused_in_the_preview(api, owner_headers, attack):
    source, says = ATTACKS[attack]

    response = api.post(
        f"{URL}/preview", {"body_html": source}, content_type="application/json", headers=owner_headers
    )

    assert response.status_code == 422
    assert any(says in message for message in messages_of(response))


def test_the_time_limit_stops_a_slow_template(api, owner_headers, settings):
    settings.LOJISTA_EMAIL_RENDER_SECONDS = 0

    response = put(api, owner_headers, body_text="{% for line in order.lines %}{{ line.sku }}{% endfor %}")

    assert response.status_code == 422
    assert response.json()["message"] == "The template takes too long to render: more than 0 seconds."


def store(kind: str, body: str) -> None:
    """A template saved before budgets existed (or written around the API)."""
    EmailTemplate.objects.create(
        kind=kind, language="en", subject="Order {{ order.number }}", body_text=body, body_html=body
    )


def test_a_stored_template_over_budget_on_this_order_is_a_422_in_the_preview(api, owner_headers):
    store(ORDER_CONFIRMATION, ATTACKS["heavy only on one order number"][0])
    order = make_order(number=4242, shipping_address={**ADDRESS, "name": "N" * 150})

    heavy = api.post(
        f"{URL}/preview", {"order_number": 4242}, content_type="application/json", headers=owner_headers
    )
    light = api.post(f"{URL}/preview", {}, content_type="application/json", headers=owner_headers)

    assert heavy.status_code == 422
    assert ITERATIONS in heavy.json()["message"]
    assert light.status_code == 200 and light.json()["subject"] == "Order 1001"
    assert order.number == 4242


def test_in_the_worker_a_template_over_budget_falls_back_and_the_queue_goes_on(
    shop, smtp, django_capture_on_commit_callbacks
):
    store(ORDER_CONFIRMATION, f"{{% if order.number != 1001 %}}{WITH_ADD}{LOOPS}{{% endif %}}")
    started = time.monotonic()

    with django_capture_on_commit_callbacks(execute=True):
        orders = [place_order(email=f"buyer{i}@example.com") for i in range(3)]

    assert time.monotonic() - started < 10
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert len(smtp.to(MERCHANT[0])) == 3
    for i, order in enumerate(orders):
        [received] = smtp.to(f"buyer{i}@example.com")
        assert received.subject == f"Order #{order.number} confirmed"  # the shipped template
        row = OutboxMessage.objects.get(order=order, kind=ORDER_CONFIRMATION)
        assert "the shipped one was sent" in row.last_error and VALUE in row.last_error
        sent = order.events.get(type=OrderEvent.Type.EMAIL_SENT, data__template=ORDER_CONFIRMATION)
        assert VALUE in sent.data["template_error"]


def test_the_failed_template_shows_in_the_outbox_list(
    api, owner_headers, smtp, django_capture_on_commit_callbacks
):
    store(ORDER_CONFIRMATION, LOOPS)
    with django_capture_on_commit_callbacks(execute=True):
        place_order(email="ana@example.com", shipping_address={**ADDRESS, "name": "N" * 150})

    [item] = api.get("/api/v1/admin/outbox", headers=owner_headers).json()["items"]
    assert item["status"] == "sent"
    assert ITERATIONS in item["last_error"]


@pytest.mark.parametrize("language", LANGUAGE_CODES)
@pytest.mark.parametrize("kind", [kind.key for kind in kinds.all_kinds()])
def test_the_shipped_templates_pass_the_check(api, owner_headers, kind, language):
    source = shipped_source(kinds.get(kind))
    body = {"subject": source.subject, "body_text": source.text, "body_html": source.html}

    response = api.put(
        f"/api/v1/admin/email-templates/{kind}/{language}",
        body,
        content_type="application/json",
        headers=owner_headers,
    )

    assert response.status_code == 200, response.json()


def test_a_large_order_is_well_within_the_budget(smtp, django_capture_on_commit_callbacks):
    source = shipped_source(kinds.get(ORDER_CONFIRMATION))
    EmailTemplate.objects.create(
        kind=ORDER_CONFIRMATION,
        language="en",
        subject=source.subject,
        body_text="Merchant's own.\n" + source.text,
        body_html=source.html,
    )
    with django_capture_on_commit_callbacks(execute=False):
        order = place_order(email="ana@example.com", shipping_address={**ADDRESS, "name": "Ana & Bia " * 15})
    lines = order.lines.all()
    type(lines[0]).objects.bulk_create(
        [type(lines[0])(**{**_fields(lines[0]), "sku": f"SKU-{i}"}) for i in range(300)]
    )

    [message] = OutboxMessage.objects.filter(kind=ORDER_CONFIRMATION)
    assert services.outbox_deliver(message_id=message.pk) == "sent"

    [received] = smtp.to("ana@example.com")
    assert received.part("text/plain").startswith("Merchant's own.")
    assert received.part("text/plain").count("Camiseta Lojista") == 301
    assert OutboxMessage.objects.get(pk=message.pk).last_error == ""


def _fields(line) -> dict:
    return {
        field.name: getattr(line, field.name)
        for field in line._meta.concrete_fields
        if field.name not in ("id",)
    }
