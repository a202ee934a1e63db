"""Settings → Email templates: every email in every language, the editor
(save, live preview, test send, reset), owners only."""

import html

import pytest
from django.core import mail

from lojista.notifications.models import EmailTemplate, OutboxMessage

pytestmark = pytest.mark.django_db

LIST = "/backoffice/settings/emails/"
EDITOR = "/backoffice/settings/emails/order_confirmation/en/"
DRAFT = {
    "subject": "Thanks for order #{{ order.number }}",
    "body_text": "Order {{ order.number }} for {{ order.total }}",
    "body_html": "<p>Order <b>{{ order.number }}</b></p>",
}


def test_the_list_shows_every_kind_in_every_language(owner_client):
    response = owner_client.get(LIST)

    assert response.status_code == 200
    page = response.content.decode()
    for kind in ("order_confirmation", "new_order", "password_reset", "staff_invitation"):
        for language in ("en", "pt-br"):
            assert f'href="/backoffice/settings/emails/{kind}/{language}/"' in page
    assert "Portuguese (Brazil)" in page
    assert "Customised" not in page


def test_the_list_says_which_are_customised(owner_client, owner):
    EmailTemplate.objects.create(
        kind="new_order", language="pt-br", subject="Novo", body_text="x", body_html="x"
    )

    page = owner_client.get(LIST).content.decode()

    assert page.count("Customised") == 1


def test_the_list_costs_the_same_queries_however_many_are_customised(
    owner_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8) as few:
        owner_client.get(LIST)
    for kind in ("new_order", "order_confirmation", "order_processed", "order_delivered"):
        for language in ("en", "pt-br"):
            EmailTemplate.objects.create(
                kind=kind, language=language, subject="s", body_text="t", body_html="h"
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        owner_client.get(LIST)


def test_the_editor_shows_the_template_its_variables_and_a_preview(owner_client):
    response = owner_client.get(EDITOR)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Order confirmation" in page
    assert "order.lines[].product_name" in page
    assert "payment_instructions" in page
    assert 'sandbox=""' in page and "srcdoc=" in page
    assert 'class="preview-subject">Order #1001 confirmed<' in page
    assert 'value="owner@example.com"' in page  # the test send goes to the owner by default


def test_an_unknown_kind_or_language_is_404(owner_client):
    assert owner_client.get("/backoffice/settings/emails/nope/en/").status_code == 404
    assert owner_client.get("/backoffice/settings/emails/order_confirmation/fr/").status_code == 404


def test_saving_makes_it_the_shops_version(owner_client, owner):
    response = owner_client.post(EDITOR, DRAFT)

    assert response.status_code == 302
    saved = EmailTemplate.objects.get(kind="order_confirmation", language="en")
    assert (saved.subject, saved.updated_by) == (DRAFT["subject"], owner)
    page = owner_client.get(response["Location"]).content.decode()
    assert "The template was saved" in page
    assert "Reset to default" in page


def test_a_broken_template_is_not_saved_and_the_typed_text_stays(owner_client):
    response = owner_client.post(EDITOR, {**DRAFT, "body_html": "<p>{% if order.number %}open"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "The template has errors" in page
    assert html.escape("{% if order.number %}open") in page
    assert not EmailTemplate.objects.exists()


def test_an_empty_subject_is_refused_beside_it(owner_client):
    response = owner_client.post(EDITOR, {**DRAFT, "subject": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not EmailTemplate.objects.exists()


def test_the_live_preview_renders_the_draft(owner_client):
    response = owner_client.post(f"{EDITOR}preview/", DRAFT, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="email-preview"')
    assert "Thanks for order #1001" in page
    # The HTML is inside the iframe's srcdoc, escaped: the draft's tags are text of the attribute.
    assert "&lt;b&gt;1001&lt;/b&gt;" in page
    assert "<b>1001</b>" not in page
    assert not EmailTemplate.objects.exists()


def test_a_preview_with_a_syntax_error_shows_the_error_not_a_500(owner_client):
    response = owner_client.post(
        f"{EDITOR}preview/", {**DRAFT, "subject": "{% if order.number %}Hi"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200  # HTMX swaps only successful answers
    page = response.content.decode()
    assert "The template has errors" in page
    assert "Subject:" in page
    assert "srcdoc" not in page


def test_a_preview_with_a_forbidden_tag_is_an_error(owner_client):
    response = owner_client.post(
        f"{EDITOR}preview/", {**DRAFT, "body_html": "{% load static %}"}, HTTP_HX_REQUEST="true"
    )

    assert "The template has errors" in response.content.decode()


def test_the_preview_button_without_javascript_shows_the_whole_editor(owner_client):
    response = owner_client.post(f"{EDITOR}preview/", DRAFT)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Order confirmation" in page
    assert "Thanks for order #1001" in page
    assert html.escape(DRAFT["body_html"]) in page


def test_a_test_send_queues_the_email_marked_as_a_test(owner_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"{EDITOR}test-send/", {"to": "me@example.com"})

    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert (message.kind, message.recipients, message.is_test) == (
        "order_confirmation",
        ["me@example.com"],
        True,
    )
    assert mail.outbox[0].to == ["me@example.com"]
    assert (
        "A test email is on its way to me@example.com"
        in owner_client.get(response["Location"]).content.decode()
    )


def test_a_test_send_to_a_bad_address_says_so(owner_client):
    response = owner_client.post(f"{EDITOR}test-send/", {"to": "not an address"})

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_reset_goes_back_to_the_shipped_template(owner_client):
    owner_client.post(EDITOR, DRAFT)

    response = owner_client.post(f"{EDITOR}reset/")

    assert response.status_code == 302
    assert not EmailTemplate.objects.exists()
    page = owner_client.get(EDITOR).content.decode()
    assert "The template is back to the shipped one." in page
    assert "Reset to default" not in page


def test_a_template_change_needs_the_csrf_token(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    assert client.post(EDITOR, DRAFT).status_code == 403
    assert not EmailTemplate.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", LIST),
        ("get", EDITOR),
        ("post", EDITOR),
        ("post", f"{EDITOR}preview/"),
        ("post", f"{EDITOR}test-send/"),
        ("post", f"{EDITOR}reset/"),
    ],
)
def test_staff_are_refused(staff_client, method, path):
    response = getattr(staff_client, method)(path, DRAFT if method == "post" else None)

    assert response.status_code == 403
    assert not EmailTemplate.objects.exists()
    assert not OutboxMessage.objects.exists()
