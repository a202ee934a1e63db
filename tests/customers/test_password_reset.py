"""Password reset: a link by email for whoever asks (saying nothing about who
has an account), a new password with the link, and every token and session
of the account logged out; and the sessions a password change leaves."""

import re

import pytest
from django.core import mail
from django.test import Client

from conftest import bearer
from lojista.customers.models import ApiToken, LoginFailure, User
from lojista.notifications.models import OutboxMessage

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.customers.session_urls")]

RESET = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/me"
CURRENT = "correct horse battery"  # the customer fixture's password
NEW = "a brand new passphrase"


def post(api, path, body, address="192.0.2.1", **extra):
    return api.post(path, body, content_type="application/json", REMOTE_ADDR=address, **extra)


LINK = re.compile(r"http://127\.0\.0\.1:8000/account/password-reset/(?P<uid>[^/]+)/(?P<token>[^/]+)/")


@pytest.fixture
def reset_links(django_capture_on_commit_callbacks):
    """The links of the password-reset emails sent, as {uid, token}, newest
    last; each request is made inside ``reset_links.sending()`` so that the
    email queued on commit is delivered."""

    class Links(list):
        sending = staticmethod(lambda: django_capture_on_commit_callbacks(execute=True))

        def refresh(self) -> "Links":
            self[:] = [match.groupdict() for email in mail.outbox if (match := LINK.search(email.body))]
            return self

    return Links()


def ask(api, email, reset_links, **extra):
    with reset_links.sending():
        response = post(api, RESET, {"email": email}, **extra)
    reset_links.refresh()
    return response


def ask_and_get_link(api, email="ana@example.com", reset_links=None, **extra) -> dict[str, str]:
    assert ask(api, email, reset_links, **extra).status_code == 202
    return reset_links[-1]


def confirm(api, link, new=NEW, **extra):
    return post(api, CONFIRM, {**link, "new_password": new}, **extra)


def session_of(user: User, password: str) -> Client:
    browser = Client()
    response = browser.post("/test/shop/login/", {"email": user.email, "password": password})
    assert response.status_code == 200, response.content
    return browser


def logged_in_as(browser: Client) -> str:
    return browser.get("/test/whoami/").content.decode()


# Asking


def test_asking_emails_a_link_to_the_account(api, customer, reset_links):
    response = ask(api, "  ANA@example.com ", reset_links)

    assert response.status_code == 202
    assert response.content == b""
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [customer.email]
    assert email.subject == "Choose a new password for Lojista Demo Shop"
    assert "Hello Ana Souza," in email.body
    assert "The link works once, for 2 hours." in email.body
    assert "ignore this email: your password stays as it is" in email.body
    html = email.alternatives[0][0]
    assert f'href="http://127.0.0.1:8000/account/password-reset/{reset_links[0]["uid"]}/' in html
    assert OutboxMessage.objects.get().kind == "password_reset"


def test_no_secret_is_kept_in_the_outbox(api, customer, reset_links):
    """The token is made when the email is rendered, not stored with the row."""
    ask(api, customer.email, reset_links)

    row = OutboxMessage.objects.get()
    assert (row.subject_type, row.subject_id, row.context) == ("user", str(customer.pk), {})
    assert reset_links[0]["token"] not in str(OutboxMessage.objects.values().get())


def test_the_email_is_in_the_account_s_language_else_the_request_s(api, customer, reset_links):
    other = User.objects.create_user("bia@example.com", "another passphrase 2", language="en")
    ask(api, customer.email, reset_links, headers={"Accept-Language": "pt-BR"})
    ask(api, other.email, reset_links, headers={"Accept-Language": "pt-BR"})

    languages = dict(OutboxMessage.objects.values_list("recipients__0", "language"))
    assert languages == {customer.email: "pt-br", other.email: "en"}


@pytest.mark.parametrize("email", ["nobody@example.com", "inactive@example.com", "nopassword@example.com"])
def test_the_answer_is_the_same_for_who_cannot_reset_and_nothing_is_sent(api, customer, reset_links, email):
    User.objects.create_user("inactive@example.com", "a long passphrase 1", is_active=False)
    User.objects.create_user("nopassword@example.com", None)

    response = ask(api, email, reset_links)

    assert response.status_code == 202
    assert response.content == b""
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_a_request_made_while_the_task_queue_is_down_is_kept_not_lost(api, customer, settings, caplog):
    # TASKS_BACKEND=rq with its Redis down: nothing answers on port 1.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/4", "DEFAULT_TIMEOUT": 600}}

    asked = post(api, RESET, {"email": customer.email})
    nobody = post(api, RESET, {"email": "nobody@example.com"})

    assert (asked.status_code, nobody.status_code) == (202, 202)
    assert "the task queue does not answer" in caplog.text
    # The email waits in the outbox for a worker (the outbox sweep enqueues
    # it again once the queue answers): one, for the account only.
    message = OutboxMessage.objects.get()
    assert (message.kind, message.recipients, message.status) == (
        "password_reset",
        [customer.email],
        OutboxMessage.Status.READY,
    )


@pytest.mark.parametrize("body", [{}, {"email": 1}, {"email": "x" * 255}])
def test_asking_with_missing_or_mistyped_fields_is_422(api, body, reset_links):
    with reset_links.sending():
        response = post(api, RESET, body)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert mail.outbox == []


# Confirming


def test_the_link_sets_the_password_and_logs_out_every_token_and_session(api, customer, reset_links):
    phone = bearer(ApiToken.issue(customer))
    browser = session_of(customer, CURRENT)
    assert logged_in_as(browser) == customer.email
    link = ask_and_get_link(api, reset_links=reset_links)

    response = confirm(api, link)

    assert response.status_code == 204
    assert api.get(ME, headers=phone).status_code == 401
    assert not ApiToken.objects.filter(user=customer).exists()
    assert logged_in_as(browser) == ""  # the browser's session is logged out too
    assert post(api, LOGIN, {"email": customer.email, "password": NEW}).status_code == 200
    assert post(api, LOGIN, {"email": customer.email, "password": CURRENT}).status_code == 401


def test_a_link_works_once(api, customer, reset_links):
    link = ask_and_get_link(api, reset_links=reset_links)
    assert confirm(api, link).status_code == 204

    again = confirm(api, link, new="yet another passphrase")

    assert again.status_code == 422
    assert again.json()["code"] == "invalid_reset_link"
    customer.refresh_from_db()
    assert customer.check_password(NEW)


def test_a_link_expires(api, customer, reset_links, settings):
    link = ask_and_get_link(api, reset_links=reset_links)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link made before now is older than that

    response = confirm(api, link)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_reset_link"
    assert response.json()["message"] == (
        "This password reset link is invalid or has expired. Ask for a new one."
    )


def test_logging_in_after_asking_spends_the_link(api, customer, reset_links):
    """Django's token covers the last login: whoever asked and then remembered
    the password leaves no working link in their mailbox."""
    link = ask_and_get_link(api, reset_links=reset_links)
    assert post(api, LOGIN, {"email": customer.email, "password": CURRENT}).status_code == 200

    assert confirm(api, link).json()["code"] == "invalid_reset_link"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda link: {**link, "token": link["token"][:-1] + ("a" if link["token"][-1] != "a" else "b")},
        lambda link: {**link, "uid": "MTAwMDAwMDA"},  # base64 of an id nobody has
        lambda link: {**link, "uid": "not base64!"},
        lambda link: {**link, "uid": "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"},  # beyond a bigint
        lambda link: {**link, "uid": "_w"},  # not UTF-8
    ],
    ids=["token", "unknown uid", "not base64", "huge uid", "not utf-8"],
)
def test_a_tampered_link_is_refused_and_changes_nothing(api, customer, reset_links, tamper):
    phone = bearer(ApiToken.issue(customer))
    link = tamper(ask_and_get_link(api, reset_links=reset_links))

    response = confirm(api, link)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_reset_link"
    customer.refresh_from_db()
    assert customer.check_password(CURRENT)
    assert api.get(ME, headers=phone).status_code == 200


def test_another_account_s_link_is_refused(api, customer, reset_links):
    other = User.objects.create_user("bia@example.com", "another passphrase 2")
    mine = ask_and_get_link(api, reset_links=reset_links)
    theirs = ask_and_get_link(api, email=other.email, reset_links=reset_links)

    response = confirm(api, {"uid": theirs["uid"], "token": mine["token"]})

    assert response.json()["code"] == "invalid_reset_link"
    other.refresh_from_db()
    assert other.check_password("another passphrase 2")


def test_a_weak_new_password_names_the_field_and_keeps_the_link(api, customer, reset_links):
    phone = bearer(ApiToken.issue(customer))
    link = ask_and_get_link(api, reset_links=reset_links)

    weak = confirm(api, link, new="anasouza1")

    assert weak.status_code == 422
    assert list(weak.json()["details"]["fields"]) == ["new_password"]
    assert api.get(ME, headers=phone).status_code == 200
    assert confirm(api, link).status_code == 204  # the link was not spent


def test_a_reset_clears_the_account_s_failed_logins(api, customer, reset_links, settings):
    settings.LOJISTA_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        post(api, LOGIN, {"email": customer.email, "password": "wrong guess"})
    assert post(api, LOGIN, {"email": customer.email, "password": CURRENT}).status_code == 429
    link = ask_and_get_link(api, reset_links=reset_links)

    assert confirm(api, link).status_code == 204

    assert not LoginFailure.objects.filter(email=customer.email).exists()
    assert post(api, LOGIN, {"email": customer.email, "password": NEW}).status_code == 200


# Rate limits


def test_asking_is_limited_per_email_and_per_address(api, customer, reset_links, settings):
    settings.LOJISTA_RATE_LIMITS_ENABLED = True
    settings.LOJISTA_RATE_LIMITS = {"password_reset_email": "2/h", "password_reset_address": "4/h"}

    answers = [ask(api, "ANA@example.com", reset_links, address="192.0.2.1") for _ in range(3)]
    other_address = ask(api, customer.email, reset_links, address="192.0.2.2")
    other_email = ask(api, "bia@example.com", reset_links, address="192.0.2.1")
    flood = ask(api, "carla@example.com", reset_links, address="192.0.2.1")

    assert [a.status_code for a in answers] == [202, 202, 429]
    assert answers[2].json()["details"]["limit"] == "password_reset_email"
    assert other_address.status_code == 429  # the email's limit, from any address
    assert other_email.status_code == 202
    assert flood.status_code == 429
    assert flood.json()["details"]["limit"] == "password_reset_address"
    assert len(reset_links) == 2  # no more emails than the limit


def test_confirming_is_limited_per_address(api, customer, reset_links, settings):
    link = ask_and_get_link(api, reset_links=reset_links)
    settings.LOJISTA_RATE_LIMITS_ENABLED = True
    settings.LOJISTA_RATE_LIMITS = {"password_reset_confirm_address": "2/h"}
    guesses = [confirm(api, {**link, "token": f"guess-{i}"}) for i in range(2)]

    refused = confirm(api, link)

    assert [g.status_code for g in guesses] == [422, 422]
    assert refused.status_code == 429
    assert refused.json()["details"]["limit"] == "password_reset_confirm_address"
    customer.refresh_from_db()
    assert customer.check_password(CURRENT)


def test_the_default_rates_limit_password_resets():
    from django.conf import settings

    assert {
        name: rate for name, rate in settings.LOJISTA_RATE_LIMITS.items() if name.startswith("password_reset")
    } == {
        "password_reset_address": "20/h",
        "password_reset_email": "3/h",
        "password_reset_confirm_address": "30/h",
    }


# Sessions when the password changes


def test_a_password_change_through_the_api_logs_out_every_session(api, customer, customer_headers):
    browser = session_of(customer, CURRENT)

    body = {"current_password": CURRENT, "new_password": NEW}
    response = post(api, "/api/v1/me/password", body, headers=customer_headers)

    assert response.status_code == 204
    assert logged_in_as(browser) == ""


def test_a_password_change_from_a_page_keeps_that_session_only(api, customer):
    phone = bearer(ApiToken.issue(customer))
    laptop = session_of(customer, CURRENT)
    browser = session_of(customer, CURRENT)

    response = browser.post("/test/password/", {"current": CURRENT, "new": NEW})

    assert response.status_code == 204
    assert logged_in_as(browser) == customer.email
    assert logged_in_as(laptop) == ""
    assert api.get(ME, headers=phone).status_code == 401


def test_a_wrong_current_password_from_a_page_changes_nothing(api, customer):
    laptop = session_of(customer, CURRENT)
    browser = session_of(customer, CURRENT)

    response = browser.post("/test/password/", {"current": "not it", "new": NEW})

    assert response.status_code == 422
    assert logged_in_as(browser) == logged_in_as(laptop) == customer.email


def test_a_page_password_change_needs_a_logged_in_user():
    assert Client().post("/test/password/", {"current": CURRENT, "new": NEW}).status_code == 401
