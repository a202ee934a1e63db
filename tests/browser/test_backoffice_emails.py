"""An owner edits an email template in a real browser: the live preview
follows what they type, they save it and test-send it; an invitee sets
their password from the emailed link; staff are refused the settings."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from lojista.notifications.models import EmailTemplate, OutboxMessage
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

EDITOR = "/backoffice/settings/emails/order_confirmation/en/"


def test_an_owner_edits_a_template_with_a_live_preview_and_test_sends_it(page, owner):
    log_in(page, "owner@example.com", "owner password 1", "/backoffice/settings/emails/")
    page.get_by_role("link", name="Order confirmation").first.click()
    page.wait_for_url(f"**{EDITOR}")
    subject = page.locator(".preview-subject")
    expect(subject).to_have_text("Order #1001 confirmed")

    page.get_by_label("Subject").fill("Thank you! Order #{{ order.number }} is in")
    expect(subject).to_have_text("Thank you! Order #1001 is in")
    preview = page.frame_locator(".email-preview iframe")
    expect(preview.get_by_text("Lojista Demo Shop").first).to_be_visible()

    page.get_by_label("Subject").fill("{% if order.number %}Broken")
    expect(page.locator("#email-preview").get_by_role("alert")).to_contain_text("The template has errors")
    page.get_by_label("Subject").fill("Thank you! Order #{{ order.number }} is in")
    expect(subject).to_have_text("Thank you! Order #1001 is in")
    screenshot(page, "email-template")

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The template was saved")
    assert EmailTemplate.objects.get(kind="order_confirmation", language="en").subject.startswith(
        "Thank you!"
    )

    expect(page.get_by_label("Send a test to")).to_have_value("owner@example.com")
    page.get_by_label("Send a test to").fill("me@example.com")
    page.get_by_role("button", name="Send a test").click()
    expect(page.get_by_role("status")).to_contain_text("A test email is on its way to me@example.com")
    message = OutboxMessage.objects.get()
    assert (message.recipients, message.is_test) == (["me@example.com"], True)
    assert [email.subject for email in mail.outbox] == ["[Test] Thank you! Order #1001 is in"]


def test_an_invitee_chooses_a_password_and_lands_in_the_back_office(page, owner, browser, live_server):
    log_in(page, "owner@example.com", "owner password 1", "/backoffice/settings/staff/")
    invite = page.locator("#invite")
    invite.get_by_label("Name").fill("Nia New")
    invite.get_by_label("Email").fill("nia@example.com")
    invite.get_by_label("Role").select_option("staff")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("nia@example.com is invited")
    expect(page.get_by_role("row", name=re.compile("nia@example.com"))).to_contain_text("Invited")
    screenshot(page, "staff-accounts")

    link = re.search(r"http://127\.0\.0\.1:8000(/backoffice/invitation/\S+/)", mail.outbox[-1].body)[1]
    invitee = browser.new_context(base_url=live_server.url).new_page()
    invitee.goto(link)
    invitee.get_by_label("Choose a password").fill("a long new passphrase")
    invitee.get_by_role("button", name="Set my password").click()
    invitee.wait_for_url("**/backoffice/")
    expect(invitee.get_by_role("status")).to_contain_text("Welcome!")
    invitee.context.close()


def test_a_staff_member_is_refused_the_email_templates(page, staff):
    log_in(page, "staff@example.com", "staff password 1")

    response = page.goto("/backoffice/settings/emails/")

    assert response is not None and response.status == 403
