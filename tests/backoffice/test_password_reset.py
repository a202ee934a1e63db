"""Logging in → "Forgot your password?": a link by email (the same answer
for every email, rate-limited like the API's), a new password with it; a
staff member's link opens the back office, a customer's the storefront."""

import re

import pytest
from django.core import mail
from django.test import Client

from lojista.customers.models import ApiToken

pytestmark = pytest.mark.django_db

RESET = "/backoffice/password-reset/"
LINK = re.compile(r"http://127\.0\.0\.1:8000(?P<path>/(?:backoffice|account)/password-reset/[^/]+/[^/]+/)")
NEW = "a brand new passphrase"


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    def ask(email: str, client: Client | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or Client()).post(RESET, {"email": email}, REMOTE_ADDR="192.0.2.1")

    return ask


def test_the_login_page_links_to_the_reset():
    assert f'href="{RESET}"' in Client().get("/backoffice/login/").content.decode()


def test_a_staff_member_gets_a_link_to_the_back_office(staff, ask):
    response = ask(" STAFF@example.com ")

    assert response.status_code == 200
    assert "If an account exists for STAFF@example.com, we sent a link" in response.content.decode()
    assert mail.outbox[0].to == ["staff@example.com"]
    assert LINK.search(mail.outbox[0].body)["path"].startswith("/backoffice/password-reset/")


def test_an_unknown_email_gets_the_same_answer_and_no_email(db, ask):
    response = ask("nobody@example.com")

    assert response.status_code == 200
    assert "If an account exists for nobody@example.com, we sent a link" in response.content.decode()
    assert not mail.outbox


def test_a_customer_still_gets_the_storefronts_link(customer, ask):
    ask(customer.email)

    assert LINK.search(mail.outbox[0].body)["path"].startswith("/account/password-reset/")


def test_the_link_sets_a_new_password_once_and_logs_out_everywhere(staff, staff_client, ask):
    ApiToken.issue(staff)
    token_row = ApiToken.objects.get(user=staff)
    ask(staff.email)
    link = LINK.search(mail.outbox[0].body)["path"]
    browser = Client()

    page = browser.get(link)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    response = browser.post(link, {"new_password": NEW})

    assert response.status_code == 302
    assert response["Location"] == "/backoffice/login/"
    assert "Your password was changed. Log in with it." in browser.get("/backoffice/login/").content.decode()
    staff.refresh_from_db()
    assert staff.check_password(NEW)
    assert staff_client.get("/backoffice/").status_code == 302  # the old session is logged out
    assert not ApiToken.objects.filter(pk=token_row.pk).exists()
    again = Client().post(link, {"new_password": "another passphrase 2"})
    assert again.status_code == 400
    assert "This password reset link is invalid or has expired" in again.content.decode()


def test_a_weak_password_is_refused_beside_the_field_and_the_link_still_works(staff, ask):
    ask(staff.email)
    link = LINK.search(mail.outbox[0].body)["path"]

    response = Client().post(link, {"new_password": "123"})

    assert response.status_code == 400
    assert 'class="field invalid' in response.content.decode()
    assert Client().get(link).status_code == 200


def test_a_wrong_link_offers_a_new_one():
    response = Client().get(f"{RESET}MQ/wrong-token/")

    assert response.status_code == 400
    assert f'href="{RESET}"' in response.content.decode()


def test_confirming_is_rate_limited_like_the_api(staff, ask, settings):
    ask(staff.email)
    link = LINK.search(mail.outbox[0].body)["path"]
    settings.LOJISTA_RATE_LIMITS_ENABLED = True
    settings.LOJISTA_RATE_LIMITS = {"password_reset_confirm_address": "1/h"}

    weak = Client().post(link, {"new_password": "123"})
    refused = Client().post(link, {"new_password": NEW})

    assert (weak.status_code, refused.status_code) == (400, 429)
    assert "Too many requests" in refused.content.decode()
    staff.refresh_from_db()
    assert staff.check_password("staff password 1")


def test_asking_is_rate_limited_like_the_api(staff, ask, settings):
    settings.LOJISTA_RATE_LIMITS_ENABLED = True
    settings.LOJISTA_RATE_LIMITS = {"password_reset_email": "2/h", "password_reset_address": "10/h"}

    answers = [ask(staff.email) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert "Retry-After" in answers[2]
    assert len(mail.outbox) == 2


def test_an_invalid_email_is_refused_beside_the_field(db):
    response = Client().post(RESET, {"email": "not an email"})

    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert 'value="not an email"' in response.content.decode()
