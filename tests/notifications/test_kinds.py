"""The email-kind registry: a kind registered by an app that is not orders
(here a test-only "welcome" email about a user) is queued, rendered,
previewed, test-sent, listed and edited like the order emails, without
touching orders; an unregistered kind is gone from the API."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lojista.core.errors import PermissionDenied
from lojista.customers.auth import STAFF_ROLES
from lojista.customers.models import User
from lojista.notifications import kinds, selectors, services
from lojista.notifications.kinds import EmailKind, EmailRef
from lojista.notifications.models import EmailTemplate, NotificationSettings, OutboxMessage
from lojista.notifications.services import outbox
from lojista.orders.models import OrderEvent
from tests.notifications.conftest import MERCHANT
from tests.notifications.factories import make_order, place_order

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent / "emails"
URL = "/api/v1/admin/email-templates/welcome/en"


def _customer(user: User) -> dict[str, str]:
    return {"name": user.name, "email": user.email}


def welcome_context(ref: EmailRef, shop: NotificationSettings) -> dict:
    user = User.objects.get(pk=int(ref.subject_id))
    return {"customer": _customer(user), "greeting": ref.data.get("greeting", "Hello")}


def welcome_sample(shop: NotificationSettings) -> dict:
    return {"customer": {"name": "Sample Customer", "email": "sample@example.com"}, "greeting": "Hi"}


WELCOME = EmailKind(
    key="welcome",
    label="Welcome (test kind)",
    audience="customer",
    template_dir=TEMPLATES,
    subject_type="user",
    context=welcome_context,
    sample=welcome_sample,
    sample_data=lambda: {"greeting": "Sample greeting"},
    editors=STAFF_ROLES,
)


@pytest.fixture
def welcome():
    kinds.register(WELCOME)
    yield WELCOME
    kinds.unregister(WELCOME.key)


@pytest.fixture
def ana(db) -> User:
    return User.objects.create_user("ana@example.com", "a long enough password", name="Ana Souza")


def queue_welcome(user: User, greeting: str = "Olá") -> OutboxMessage:
    return services.outbox_queue(
        kind="welcome",
        recipients=[user.email],
        language="en",
        dedupe_key=f"welcome:{user.pk}",
        ref=EmailRef("user", str(user.pk), {"greeting": greeting}),
    )


def test_a_registered_kind_is_queued_rendered_and_sent_without_orders(
    welcome, ana, smtp, django_capture_on_commit_callbacks
):
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        message = queue_welcome(ana)

    [received] = smtp.received
    assert received.rcpt_tos == ["ana@example.com"]
    assert received.subject == "Welcome, Ana Souza"
    assert received.part("text/plain") == "Olá, Ana Souza!\n\nYour account: ana@example.com\n"
    assert "<p>Olá, Ana Souza!</p>" in received.part("text/html")
    assert received.message["Message-ID"] == message.message_id
    row = OutboxMessage.objects.get()
    assert (row.kind, row.subject_type, row.subject_id, row.order_id, row.is_test) == (
        "welcome",
        "user",
        str(ana.pk),
        None,
        False,
    )
    assert row.status == "sent"
    assert not any("orders_" in query["sql"] for query in queries.captured_queries)
    assert not OrderEvent.objects.exists()


@pytest.fixture
def welcome_with_headers():
    def headers(context: dict) -> dict[str, str]:
        return {
            "List-Id": f"Welcome <{context['customer']['email']}>\r\nBcc: thief@example.com",
            "Message-ID": "<not-the-outbox-s@example.com>",
        }

    kind = EmailKind(**{**WELCOME.__dict__, "headers": headers})
    kinds.register(kind)
    yield kind
    kinds.unregister(kind.key)


def test_a_kind_adds_headers_folded_onto_one_line_and_never_the_outbox_s_own(
    welcome_with_headers, ana, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_welcome(ana)

    [received] = smtp.received
    assert " ".join(str(received.message["List-Id"]).split()) == (
        "Welcome <ana@example.com> Bcc: thief@example.com"
    )
    assert received.message["Bcc"] is None and received.rcpt_tos == ["ana@example.com"]
    assert received.message["Message-ID"] == message.message_id


def test_the_template_api_lists_every_registered_kind_in_every_language(api, owner_headers, welcome):
    templates = api.get("/api/v1/admin/email-templates", headers=owner_headers).json()

    assert {(item["kind"], item["language"]) for item in templates} == {
        (kind, language)
        for kind in [
            "new_order",
            "order_confirmation",
            "order_processed",
            "order_delivered",
            "order_cancelled",
            "order_cancelled_shop",
            "order_contact",
            "password_reset",
            "staff_invitation",
            "welcome",
            # The Abandoned checkouts extension's (registered installed or not).
            "abandoned_checkout_1",
            "abandoned_checkout_2",
            "abandoned_checkout_3",
            "abandoned_checkout_manual",
        ]
        for language in ("en", "pt-br")
    }
    [welcome_en] = [item for item in templates if (item["kind"], item["language"]) == ("welcome", "en")]
    assert welcome_en["label"] == "Welcome (test kind)"
    assert welcome_en["audience"] == "customer"
    assert welcome_en["subject"] == "Welcome, {{ customer.name }}\n"
    [new_order] = [item for item in templates if (item["kind"], item["language"]) == ("new_order", "en")]
    assert new_order["audience"] == "shop"


def test_an_unregistered_kind_is_gone(api, owner_headers):
    assert api.get(URL, headers=owner_headers).status_code == 404
    kinds.register(WELCOME)
    try:
        assert api.get(URL, headers=owner_headers).status_code == 200
    finally:
        kinds.unregister("welcome")
    response = api.get(URL, headers=owner_headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "welcome" not in {
        item["kind"] for item in api.get(URL.rsplit("/", 2)[0], headers=owner_headers).json()
    }


def test_a_kind_is_previewed_on_its_sample_with_a_partial_draft(api, owner_headers, welcome):
    response = api.post(
        f"{URL}/preview",
        {"subject": "Hey {{ customer.name }}"},
        content_type="application/json",
        headers=owner_headers,
    )

    assert response.status_code == 200, response.json()
    assert response.json()["subject"] == "Hey Sample Customer"
    assert response.json()["text"] == "Hi, Sample Customer!\n\nYour account: sample@example.com\n"


def test_the_preview_is_one_function_the_api_and_a_view_share(welcome):
    EmailTemplate.objects.create(
        kind="welcome",
        language="en",
        subject="Saved {{ greeting }}",
        body_text="saved",
        body_html="<p>saved</p>",
    )

    draft_body = selectors.email_preview(kind=welcome, language="en", body_text="Draft {{ customer.email }}")
    saved = selectors.email_preview(kind=welcome, language="en")

    assert (draft_body.subject, draft_body.text) == ("Saved Hi", "Draft sample@example.com\n")
    assert (saved.subject, saved.text) == ("Saved Hi", "saved\n")


def test_only_an_order_email_is_shown_on_an_order(api, owner_headers, welcome):
    order = make_order()

    response = api.post(
        f"{URL}/preview",
        {"order_number": order.number},
        content_type="application/json",
        headers=owner_headers,
    )

    assert response.status_code == 422
    assert "order_number" in response.json()["details"]["fields"]


def test_a_test_send_of_a_kind_uses_its_sample_and_is_marked(
    api, owner_headers, welcome, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{URL}/test-send", {}, content_type="application/json", headers=owner_headers)

    assert response.status_code == 202
    assert (response.json()["kind"], response.json()["is_test"]) == ("welcome", True)
    [received] = smtp.received
    assert received.subject == "[Test] Welcome, Sample Customer"
    assert received.rcpt_tos == ["owner@example.com"]


def test_a_test_send_on_a_real_subject_shows_it_with_sample_row_data(
    welcome, ana, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.email_test_send(
            kind="welcome", language="en", to="owner@example.com", subject_id=str(ana.pk)
        )

    [received] = smtp.received
    assert received.subject == "[Test] Welcome, Ana Souza"
    assert received.part("text/plain").startswith("Sample greeting, Ana Souza!")


def test_a_kind_names_who_may_edit_its_templates(welcome, staff, owner):
    assert selectors.template_key(kind="welcome", language="EN", user=staff) == (welcome, "en")
    with pytest.raises(PermissionDenied):
        selectors.template_key(kind="order_confirmation", language="en", user=staff)
    assert [view.kind for view in selectors.email_templates(user=staff)] == ["welcome", "welcome"]
    # The owner edits every kind, in both languages.
    assert len(selectors.email_templates(user=owner)) == 2 * len(kinds.all_kinds())


def test_a_kind_is_registered_once_and_with_its_three_templates(welcome):
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        kinds.register(WELCOME)
    with pytest.raises(ImproperlyConfigured, match=r"no .*missing\.subject\.txt"):
        kinds.register(EmailKind(**{**WELCOME.__dict__, "key": "missing"}))


def test_saving_a_kind_template_is_checked_on_its_own_sample(api, owner_headers, welcome):
    response = api.put(
        URL,
        {"subject": "Hi {{ customer.name }}", "body_text": "{% for x in %}", "body_html": "<p>x</p>"},
        content_type="application/json",
        headers=owner_headers,
    )

    assert response.status_code == 422
    assert "body_text" in response.json()["details"]["fields"]
    ok = api.put(
        URL,
        {"subject": "Hi {{ customer.name }}", "body_text": "{{ greeting }}", "body_html": "<p>x</p>"},
        content_type="application/json",
        headers=owner_headers,
    )
    assert ok.status_code == 200 and ok.json()["overridden"] is True


def test_an_email_of_a_kind_no_longer_registered_fails_alone(
    shop, ana, smtp, django_capture_on_commit_callbacks
):
    """An extension removed with emails still in the outbox: those fail with
    a reason, and the emails delivered with them in the batch are sent."""
    kinds.register(WELCOME)
    with django_capture_on_commit_callbacks(execute=False):
        welcome = queue_welcome(ana)
        place_order(email="bia@example.com")
    kinds.unregister("welcome")

    outbox.outbox_deliver(message_id=welcome.pk, batch=outbox.DELIVERY_BATCH)

    statuses = {row.kind: (row.status, row.last_error) for row in OutboxMessage.objects.all()}
    assert statuses["welcome"][0] == "failed"
    assert "EmailTemplateNotFound" in statuses["welcome"][1]
    assert statuses["order_confirmation"] == ("sent", "")
    assert statuses["new_order"] == ("sent", "")
    assert sorted(address for item in smtp.received for address in item.rcpt_tos) == sorted(
        ["bia@example.com", *MERCHANT]
    )
