"""Settings → Staff accounts: the list, invitations by email and their
public page, roles, deactivation; owners only."""

import re

import pytest
from django.core import mail
from django.test import Client

from lojista.customers.models import ApiToken, User

pytestmark = pytest.mark.django_db

STAFF = "/backoffice/settings/staff/"
INVITATION = re.compile(r"http://127\.0\.0\.1:8000(?P<path>/backoffice/invitation/[^/]+/[^/]+/)")
PASSWORD = "a long new passphrase"


@pytest.fixture
def invited(owner_client, django_capture_on_commit_callbacks) -> str:
    """Invite nia@example.com and return the path of the emailed link."""
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            f"{STAFF}invite/", {"name": "Nia New", "email": "nia@example.com", "role": "staff"}
        )
    assert response.status_code == 302
    return INVITATION.search(mail.outbox[-1].body)["path"]


def test_the_list_shows_each_member_their_role_status_and_last_login(owner_client, owner, staff, customer):
    staff.is_active = False
    staff.save()

    response = owner_client.get(STAFF)

    assert response.status_code == 200
    page = response.content.decode()
    assert "owner@example.com" in page and "staff@example.com" in page
    assert "ana@example.com" not in page  # customers are not staff
    assert "Deactivated" in page
    assert "Never" in page
    assert f'action="/backoffice/settings/staff/{staff.pk}/activate/"' in page
    # No button to demote or deactivate yourself.
    assert f"/backoffice/settings/staff/{owner.pk}/deactivate/" not in page
    assert f"/backoffice/settings/staff/{owner.pk}/role/" not in page


def test_the_list_costs_the_same_queries_however_many_members(owner_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10) as few:
        owner_client.get(STAFF)
    for number in range(10):
        User.objects.create_user(f"s{number}@example.com", "x", is_staff=True, role="staff")
    with django_assert_max_num_queries(len(few.captured_queries)):
        owner_client.get(STAFF)


def test_an_invitation_emails_a_link_that_sets_the_password_and_logs_in(owner_client, invited):
    assert "nia@example.com is invited" in owner_client.get(STAFF).content.decode()
    assert "Invited" in owner_client.get(STAFF).content.decode()
    browser = Client()

    page = browser.get(invited)
    assert page.status_code == 200
    assert "as nia@example.com" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"

    response = browser.post(invited, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/"
    assert "Welcome! Your password is set" in browser.get("/backoffice/").content.decode()
    assert User.objects.get(email="nia@example.com").check_password(PASSWORD)


def test_a_pending_invitation_can_be_sent_again_from_the_list(
    owner_client, invited, django_capture_on_commit_callbacks
):
    page = owner_client.get(STAFF).content.decode()
    assert "Send the invitation again" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            f"{STAFF}invite/", {"name": "Nia New", "email": "nia@example.com", "role": "staff"}
        )

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert INVITATION.search(mail.outbox[-1].body)


def test_the_invitation_link_works_once(invited):
    Client().post(invited, {"password": PASSWORD})

    again = Client().post(invited, {"password": "another long passphrase"})

    assert again.status_code == 400
    assert "This invitation link is invalid or has expired" in again.content.decode()
    assert User.objects.get(email="nia@example.com").check_password(PASSWORD)


def test_a_weak_password_is_refused_beside_the_field(invited):
    response = Client().post(invited, {"password": "123"})

    assert response.status_code == 400
    assert 'class="field invalid' in response.content.decode()
    assert not User.objects.get(email="nia@example.com").has_usable_password()


def test_a_wrong_invitation_link_says_so():
    response = Client().get("/backoffice/invitation/MQ/nope/")

    assert response.status_code == 400
    assert "Ask the shop's owner for a new one." in response.content.decode()


def test_an_invitation_to_an_existing_account_is_refused_and_keeps_the_form(owner_client, customer):
    response = owner_client.post(f"{STAFF}invite/", {"name": "Ana", "email": customer.email, "role": "owner"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "An account with this email already exists." in page
    assert 'value="Ana"' in page
    customer.refresh_from_db()
    assert customer.role == ""


def test_an_invitation_needs_a_name_an_email_and_a_role(owner_client):
    response = owner_client.post(f"{STAFF}invite/", {"name": "", "email": "bad", "role": "boss"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert "Select a valid choice." in page
    assert not mail.outbox


def test_changing_a_role(owner_client, staff):
    response = owner_client.post(f"{STAFF}{staff.pk}/role/", {"role": "owner"})

    assert response.status_code == 302
    staff.refresh_from_db()
    assert (staff.role, staff.is_superuser) == ("owner", True)
    assert "The role of staff@example.com is now Owner." in owner_client.get(STAFF).content.decode()


def test_an_owner_cannot_demote_or_deactivate_themselves(owner_client, owner):
    demote = owner_client.post(f"{STAFF}{owner.pk}/role/", {"role": "staff"})
    deactivate = owner_client.post(f"{STAFF}{owner.pk}/deactivate/")

    for response in (demote, deactivate):
        assert response.status_code == 409
        assert "You cannot deactivate your own account or change your own role." in response.content.decode()
    owner.refresh_from_db()
    assert (owner.role, owner.is_active) == ("owner", True)


def test_a_customer_is_no_staff_member_to_change(owner_client, customer):
    response = owner_client.post(f"{STAFF}{customer.pk}/deactivate/")

    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.is_active


def test_deactivating_logs_the_person_out_of_the_back_office_and_the_api(
    owner_client, staff_client, staff, api
):
    token = ApiToken.issue(staff)
    assert staff_client.get("/backoffice/").status_code == 200

    response = owner_client.post(f"{STAFF}{staff.pk}/deactivate/")

    assert response.status_code == 302
    assert "deactivated and logged out everywhere" in owner_client.get(STAFF).content.decode()
    assert staff_client.get("/backoffice/").status_code == 302
    assert api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_reactivating_emails_a_new_invitation(owner_client, staff, django_capture_on_commit_callbacks):
    owner_client.post(f"{STAFF}{staff.pk}/deactivate/")

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"{STAFF}{staff.pk}/activate/")

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.is_active
    link = INVITATION.search(mail.outbox[-1].body)["path"]
    assert Client().post(link, {"password": PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", STAFF),
        ("post", f"{STAFF}invite/"),
        ("post", f"{STAFF}1/role/"),
        ("post", f"{STAFF}1/deactivate/"),
    ],
)
def test_staff_are_refused(staff_client, method, path):
    data = {"name": "X", "email": "x@example.com", "role": "owner"} if method == "post" else None

    assert getattr(staff_client, method)(path, data).status_code == 403
    assert not User.objects.filter(email="x@example.com").exists()
