"""Emails that failed: staff see them with their error and send them again,
through a real SMTP server that first refuses the address."""

import pytest

from lojista.notifications.models import OutboxMessage
from tests.notifications.factories import place_order

pytestmark = pytest.mark.django_db


def test_staff_see_a_failed_email_and_send_it_again(
    staff_client,
    smtp,
    django_capture_on_commit_callbacks,
):
    smtp.refuse["ana@example.com"] = "550 5.1.1 Mailbox unavailable"
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(email="ana@example.com")
    failed = OutboxMessage.objects.get(status=OutboxMessage.Status.FAILED)

    home = staff_client.get("/backoffice/").content.decode()
    page = staff_client.get("/backoffice/emails/failed/").content.decode()

    assert 'href="/backoffice/emails/failed/"' in home
    assert f'href="/backoffice/orders/{order.number}/">#{order.number}</a>' in page
    assert "SMTPRecipientsRefused" in page and "5.1.1 Mailbox unavailable" in page
    assert "ana@example.com" in page

    del smtp.refuse["ana@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/backoffice/emails/{failed.pk}/retry/", follow=True)

    assert "The email to ana@example.com is being sent again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.SENT
    assert len(smtp.to("ana@example.com")) == 1
    assert "No email has failed" in staff_client.get("/backoffice/emails/failed/").content.decode()


def test_an_email_that_did_not_fail_is_not_sent_twice(staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place_order(email="ana@example.com")
    sent = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).first()

    response = staff_client.post(f"/backoffice/emails/{sent.pk}/retry/", follow=True)

    assert "Only a failed email can be retried." in response.content.decode()
    sent.refresh_from_db()
    assert sent.attempts == 1


def test_an_unknown_email_is_not_found(staff_client):
    assert staff_client.post("/backoffice/emails/424242/retry/").status_code == 404


def test_the_list_costs_the_same_queries_however_many_emails(staff_client, django_assert_max_num_queries):
    def fail(count: int) -> None:
        for number in range(count):
            OutboxMessage.objects.create(
                dedupe_key=f"failed-{count}-{number}",
                kind="order_confirmation",
                recipients=["ana@example.com"],
                language="en",
                message_id=f"<f-{count}-{number}@example.com>",
                status=OutboxMessage.Status.FAILED,
                order=place_order(email="ana@example.com"),
            )

    fail(2)
    with django_assert_max_num_queries(8) as few:
        staff_client.get("/backoffice/emails/failed/")
    fail(10)
    with django_assert_max_num_queries(8) as many:
        staff_client.get("/backoffice/emails/failed/")

    assert len(many) == len(few)
