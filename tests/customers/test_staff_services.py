"""Staff accounts, managed by owners: invitations by email (a link that
works once), roles, deactivation that logs the person out everywhere, and
the shop never left without an active owner."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from conftest import bearer
from lojista.customers import services
from lojista.customers.errors import EmailTaken, InvalidInvitation, LastOwner, NotStaffAccount, OwnAccount
from lojista.customers.models import ApiToken, User
from lojista.customers.tokens import invitation_token_generator
from lojista.notifications.models import OutboxMessage

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.customers.session_urls")]

INVITATION = re.compile(r"http://127\.0\.0\.1:8000/backoffice/invitation/(?P<uid>[^/]+)/(?P<token>[^/]+)/")
PASSWORD = "a long new passphrase"


@pytest.fixture
def invite(owner, django_capture_on_commit_callbacks):
    """Invite someone and return (their account, the link's uid and token)."""

    def invite(email="new@example.com", name="Nia New", role=User.Role.STAFF):
        with django_capture_on_commit_callbacks(execute=True):
            user = services.staff_invite(email=email, name=name, role=role, invited_by=owner)
        link = INVITATION.search(mail.outbox[-1].body)
        assert link is not None, mail.outbox[-1].body
        return user, link.groupdict()

    return invite


def session_of(user: User, password: str) -> Client:
    browser = Client()
    browser.post("/test/staff/login/", {"email": user.email, "password": password})
    return browser


def whoami(browser: Client) -> str:
    return browser.get("/test/whoami/").content.decode()


# Invitations


def test_an_invitation_creates_an_account_without_password_and_emails_a_link(invite, owner):
    user, _link = invite(email=" NEW@example.com ")

    assert (user.email, user.name, user.role, user.is_staff, user.is_superuser) == (
        "new@example.com",
        "Nia New",
        "staff",
        True,
        False,
    )
    assert not user.has_usable_password()
    email = mail.outbox[-1]
    assert email.to == ["new@example.com"]
    assert email.subject == "You are invited to the back office of Lojista Demo Shop"
    assert "Olga Owner invited you to run Lojista Demo Shop with them, as Staff." in email.body
    assert "The link works once, for 7 days." in email.body
    assert "http://127.0.0.1:8000/backoffice/login/" in email.body
    assert OutboxMessage.objects.get(kind="staff_invitation").subject_id == str(user.pk)


def test_an_invited_owner_is_a_superuser(invite):
    user, _link = invite(role=User.Role.OWNER)

    assert (user.role, user.is_superuser) == ("owner", True)


def test_the_link_sets_the_first_password_once(invite):
    user, link = invite()

    accepted = services.invitation_accept(**link, password=PASSWORD)

    assert accepted == user
    accepted.refresh_from_db()
    assert accepted.check_password(PASSWORD)
    with pytest.raises(InvalidInvitation):
        services.invitation_accept(**link, password="another long passphrase")


def test_a_weak_password_changes_nothing_and_the_link_still_works(invite):
    user, link = invite()

    with pytest.raises(services.WeakPassword) as refused:
        services.invitation_accept(**link, password="123")

    assert "password" in refused.value.details["fields"]
    assert services.invitation_accept(**link, password=PASSWORD) == user


@pytest.mark.parametrize(
    "spoil",
    [
        lambda link: {**link, "token": link["token"][:-1] + "x"},
        lambda link: {**link, "uid": "MTIzNDU2"},
        lambda link: {**link, "uid": "!!"},
    ],
)
def test_a_wrong_link_is_refused(invite, spoil):
    _user, link = invite()

    with pytest.raises(InvalidInvitation):
        services.invitation_accept(**spoil(link), password=PASSWORD)


def test_an_invitation_expires_after_its_days(invite, settings, monkeypatch):
    user, link = invite()
    made = invitation_token_generator._now()
    settings.LOJISTA_INVITATION_DAYS = 2

    monkeypatch.setattr(invitation_token_generator, "_now", lambda: made + timedelta(days=2, minutes=-1))
    assert invitation_token_generator.check_token(user, link["token"])
    monkeypatch.setattr(invitation_token_generator, "_now", lambda: made + timedelta(days=2, minutes=1))
    with pytest.raises(InvalidInvitation):
        services.invitation_accept(**link, password=PASSWORD)


def test_a_password_reset_token_does_not_open_an_invitation(invite):
    from django.contrib.auth.tokens import default_token_generator

    user, link = invite()

    with pytest.raises(InvalidInvitation):
        services.invitation_accept(
            uid=link["uid"], token=default_token_generator.make_token(user), password=PASSWORD
        )
    assert invitation_token_generator.check_token(user, link["token"])


def test_inviting_a_pending_invitee_again_sends_a_new_email(invite):
    first, _link = invite()
    again, link = invite(name="Nia Renamed", role=User.Role.OWNER)

    assert again.pk == first.pk
    assert (again.name, again.role) == ("Nia Renamed", "owner")
    assert len(mail.outbox) == 2
    assert services.invitation_accept(**link, password=PASSWORD) == again


def test_an_existing_account_cannot_be_invited(owner, customer, staff):
    for email in (customer.email, staff.email):
        with pytest.raises(EmailTaken):
            services.staff_invite(email=email, name="", role="staff", invited_by=owner)
    assert not mail.outbox


def test_an_invitation_needs_a_valid_email_and_role(owner):
    with pytest.raises(services.InvalidInput) as bad_email:
        services.staff_invite(email="not an email", name="", role="staff", invited_by=owner)
    with pytest.raises(services.InvalidRole):
        services.staff_invite(email="x@example.com", name="", role="boss", invited_by=owner)

    assert "email" in bad_email.value.details["fields"]
    assert not User.objects.filter(email="x@example.com").exists()


# Roles


def test_an_owner_changes_a_staff_members_role_both_ways(owner, staff):
    promoted = services.staff_role_set(user_id=staff.pk, role="owner", actor=owner)
    assert (promoted.role, promoted.is_superuser) == ("owner", True)

    demoted = services.staff_role_set(user_id=staff.pk, role="staff", actor=owner)
    assert (demoted.role, demoted.is_superuser) == ("staff", False)


def test_nobody_demotes_themselves(owner, staff):
    services.staff_role_set(user_id=staff.pk, role="owner", actor=owner)

    with pytest.raises(OwnAccount) as refused:
        services.staff_role_set(user_id=owner.pk, role="staff", actor=owner)

    assert refused.value.code == "own_account"
    owner.refresh_from_db()
    assert owner.role == "owner"


def test_two_owners_removing_each_other_leave_one(owner):
    """Each owner's request passed its guard before the other's ran: the
    second finds it would remove the last active owner."""
    other = User.objects.create_superuser("other@example.com", "x", name="Other")
    services.staff_deactivate(user_id=other.pk, actor=owner)

    with pytest.raises(LastOwner) as refused:
        services.staff_deactivate(user_id=owner.pk, actor=other)
    with pytest.raises(LastOwner):
        services.staff_role_set(user_id=owner.pk, role="staff", actor=other)

    assert refused.value.code == "last_owner"
    owner.refresh_from_db()
    assert (owner.is_active, owner.role) == (True, "owner")


def test_a_customer_is_not_a_staff_member(owner, customer):
    for change in (
        lambda: services.staff_role_set(user_id=customer.pk, role="owner", actor=owner),
        lambda: services.staff_deactivate(user_id=customer.pk, actor=owner),
        lambda: services.staff_activate(user_id=customer.pk, actor=owner),
    ):
        with pytest.raises(NotStaffAccount):
            change()
    customer.refresh_from_db()
    assert (customer.role, customer.is_active) == ("", True)


# Deactivation


def test_deactivation_logs_the_person_out_of_every_session_and_token(api, owner, staff):
    browser = session_of(staff, "staff password 1")
    token = ApiToken.issue(staff)
    assert whoami(browser) == staff.email

    services.staff_deactivate(user_id=staff.pk, actor=owner)

    assert whoami(browser) == ""
    assert browser.get("/test/staff/").status_code == 302
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert not ApiToken.objects.filter(user=staff).exists()
    refused = Client().post("/test/staff/login/", {"email": staff.email, "password": "staff password 1"})
    assert refused.status_code == 401


def test_nobody_deactivates_themselves(owner):
    with pytest.raises(OwnAccount):
        services.staff_deactivate(user_id=owner.pk, actor=owner)
    owner.refresh_from_db()
    assert owner.is_active


def test_reactivation_invites_them_to_choose_a_new_password(owner, staff, django_capture_on_commit_callbacks):
    browser = session_of(staff, "staff password 1")
    services.staff_deactivate(user_id=staff.pk, actor=owner)

    with django_capture_on_commit_callbacks(execute=True):
        active = services.staff_activate(user_id=staff.pk, actor=owner)

    assert active.is_active
    # The old session and password stay dead; the invitation opens the door.
    assert whoami(browser) == ""
    link = INVITATION.search(mail.outbox[-1].body).groupdict()
    services.invitation_accept(**link, password=PASSWORD)
    assert whoami(session_of(staff, PASSWORD)) == staff.email


def test_activating_an_active_member_sends_nothing(owner, staff):
    services.staff_activate(user_id=staff.pk, actor=owner)

    staff.refresh_from_db()
    assert staff.check_password("staff password 1")
    assert not OutboxMessage.objects.exists()


# Password reset links


def test_a_staff_members_reset_link_opens_the_back_office(
    staff, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_request(email=staff.email)
        services.password_reset_request(email=customer.email)

    staff_email, customer_email = mail.outbox
    assert "http://127.0.0.1:8000/backoffice/password-reset/" in staff_email.body
    assert "http://127.0.0.1:8000/account/password-reset/" in customer_email.body


def test_a_pending_invitee_gets_no_reset_link(invite):
    user, _link = invite()

    services.password_reset_request(email=user.email)

    assert OutboxMessage.objects.filter(kind="password_reset").count() == 0


# Reads


def test_the_staff_list_holds_staff_only_owners_first(owner, staff, customer):
    from lojista.customers.selectors import staff_members

    assert list(staff_members()) == [owner, staff]


def test_an_invitation_link_names_its_invitee_until_accepted(invite):
    from lojista.customers.selectors import invitee

    user, link = invite()
    assert invitee(**link) == user
    assert invitee(uid=link["uid"], token="nope") is None
    assert invitee(uid="%%%", token=link["token"]) is None

    services.invitation_accept(**link, password=PASSWORD)

    assert invitee(**link) is None


def test_a_reset_link_names_its_account_until_used(customer):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_encode

    from lojista.customers.selectors import password_reset_account

    link = {
        "uid": urlsafe_base64_encode(str(customer.pk).encode()),
        "token": default_token_generator.make_token(customer),
    }
    assert password_reset_account(**link) == customer

    services.password_reset_confirm(**link, new_password=PASSWORD)

    assert password_reset_account(**link) is None
