"""Writes about people: registration, login, logout, passwords and staff accounts."""

import hashlib
from collections.abc import Collection
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lojista.core.errors import InvalidInput
from lojista.core.i18n import shop_language
from lojista.customers.auth import STAFF_ROLES, has_role
from lojista.customers.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidInvitation,
    InvalidResetLink,
    InvalidRole,
    LastOwner,
    NotStaffAccount,
    OwnAccount,
    TooManyLoginAttempts,
    WeakPassword,
)
from lojista.customers.models import ApiToken, LoginFailure, User, hash_token
from lojista.customers.selectors import login_retry_after, user_id_of_uid
from lojista.customers.signals import password_reset_requested, staff_invited
from lojista.customers.tokens import invitation_token_generator


def password_check(*, password: str, user: User, field: str = "password") -> None:
    """Run AUTH_PASSWORD_VALIDATORS against ``user`` (for the similarity check);
    the error names ``field``, the input that held the password."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise WeakPassword(list(exc.messages), field=field) from exc


def _registration_problems(*, user: User, password: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    try:
        validate_email(user.email)
    except ValidationError as exc:
        problems["email"] = list(exc.messages)
    try:
        password_check(password=password, user=user)
    except WeakPassword as exc:
        problems.update(exc.details["fields"])
    return problems


@transaction.atomic
def customer_register(*, email: str, password: str, name: str, language: str = "") -> tuple[User, str]:
    """Create a customer account and return it with a new raw API token."""
    user = customer_account_create(email=email, password=password, name=name, language=language)
    return user, ApiToken.issue(user)


@transaction.atomic
def customer_account_create(*, email: str, password: str, name: str, language: str = "") -> User:
    """Create a customer account (no API token: the storefront logs it in
    to a browser session instead); raise InvalidInput naming ``email`` or
    ``password``, or EmailTaken."""
    user = User(email=User.objects.normalize_email(email), name=name, language=language)
    problems = _registration_problems(user=user, password=password)
    if problems:
        raise InvalidInput(details={"fields": problems})
    user.set_password(password)
    try:
        # A savepoint, so that losing a race for the email leaves the
        # transaction usable and answers 409 like the common case.
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise EmailTaken() from exc
    return user


def _serialise_login_attempts(*, email: str, client_address: str) -> None:
    """Make attempts for the same email or address wait for each other until
    the transaction ends. PostgreSQL: transaction-level advisory locks, taken
    in a fixed order so two attempts cannot deadlock. SQLite needs none: its
    IMMEDIATE transactions already run one writer at a time."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        int.from_bytes(hashlib.sha256(f"lojista-login:{scope}".encode()).digest()[:8], "big", signed=True)
        for scope in (f"email:{email}", f"address:{client_address}")
    )
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@transaction.atomic
def login_attempt_start(*, email: str, client_address: str) -> None:
    """Count a login attempt before its password is checked: raise
    TooManyLoginAttempts when the failures of the email or the address reach
    LOJISTA_LOGIN_MAX_FAILURES, else record the attempt as a failure (a
    success then clears the email's failures: ``login_failures_clear``).

    Counting and recording are one step for each email and address, so that
    of many attempts sent at once no more than the limit reach the password
    check (counting, then recording after a failed check, let them all through).
    """
    _serialise_login_attempts(email=email, client_address=client_address)
    retry_after = login_retry_after(email=email, client_address=client_address)
    if retry_after:
        raise TooManyLoginAttempts(retry_after=retry_after)
    LoginFailure.objects.create(email=email, client_address=client_address)


def login_failures_clear(*, email: str) -> None:
    """A login of ``email`` succeeded: its failures (this attempt's too) no longer count."""
    LoginFailure.objects.filter(email=email).delete()


def login_credentials_check(
    *, email: str, password: str, client_address: str, roles: Collection[str] | None = None
) -> User:
    """The user whose credentials these are, under the login throttle; raise
    TooManyLoginAttempts or InvalidCredentials. With ``roles``, a user without
    one of them is refused like a wrong password (and counts as a failure).

    The one check behind every login: the API's tokens (``customer_login``)
    and the web's sessions (``customers.web.session_login``), so failures
    count across all of them. Deliberately not one transaction: a failed
    attempt must stay recorded although the check then raises, or
    throttling would never trigger.
    """
    email = User.objects.normalize_email(email)
    login_attempt_start(email=email, client_address=client_address)
    # authenticate() hashes the password even for an unknown email, so the
    # response time does not reveal which emails have an account.
    user = authenticate(email=email, password=password)
    if user is None or (roles is not None and not has_role(user, roles)):
        raise InvalidCredentials()
    login_failures_clear(email=email)
    return user


@transaction.atomic
def token_issue(*, user: User) -> str:
    """A new raw API token for ``user``, who just proved who they are."""
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return ApiToken.issue(user)


def customer_login(*, email: str, password: str, client_address: str) -> tuple[User, str]:
    """Check the credentials and return the user with a new raw API token."""
    user = login_credentials_check(email=email, password=password, client_address=client_address)
    return user, token_issue(user=user)


@transaction.atomic
def token_revoke(*, user: User, raw_token: str) -> None:
    ApiToken.objects.filter(user=user, key_hash=hash_token(raw_token)).delete()


def password_change(
    *,
    user: User,
    current_password: str,
    new_password: str,
    client_address: str,
    current_token: str | None = None,
) -> None:
    """Give ``user`` a new password and revoke their other tokens (other
    devices, and whoever may have stolen one) and sessions; ``current_token``,
    when given, stays valid (from a web page: ``web.session_password_change``).

    A wrong current password counts as a failed login for the account, under
    the login throttle: a stolen token must not allow guessing the password.
    Not one transaction, for the same reason as ``login_credentials_check``.
    """
    login_attempt_start(email=user.email, client_address=client_address)
    if not user.check_password(current_password):
        raise InvalidInput.field("current_password", _("The current password is incorrect."))
    login_failures_clear(email=user.email)
    password_check(password=new_password, user=user, field="new_password")
    _password_set(user=user, password=new_password, keep_token=current_token)


@transaction.atomic
def _password_set(*, user: User, password: str, keep_token: str | None = None) -> None:
    """Set the password and revoke the user's tokens but ``keep_token``.

    Sessions need no deleting: each holds a hash of the password it was
    logged in with (Django's ``get_session_auth_hash``), checked on every
    request, so every session of the user is logged out by the new password
    (a web view that changed it keeps its own with ``update_session_auth_hash``).
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    tokens = ApiToken.objects.filter(user=user)
    if keep_token is not None:
        tokens = tokens.exclude(key_hash=hash_token(keep_token))
    tokens.delete()


@transaction.atomic
def password_reset_request(*, email: str, language: str = "") -> None:
    """Email the account of ``email`` a link to choose a new password, when
    there is an active account with a password; otherwise do nothing, and say
    nothing either way (the API answers 202 to every email, and runs this in a
    task so that its time does not tell either).

    Notifications emails the link (``notifications.account_kinds``). Its
    token is Django's ``default_token_generator``: an HMAC of the account's
    id, password hash, last login and the time, signed with SECRET_KEY, so
    nothing is stored, and it stops working once used (the password
    changes), after a login, or after PASSWORD_RESET_TIMEOUT.
    """
    user = User.objects.filter(email=User.objects.normalize_email(email), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    password_reset_requested.send(sender=User, user=user, language=user.language or language)


def _user_of_reset_uid(uid: str) -> User | None:
    pk = user_id_of_uid(uid)
    return User.objects.select_for_update().filter(pk=pk, is_active=True).first() if pk is not None else None


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Give the account of a reset link (``uid``, ``token``) ``new_password``,
    revoke all its API tokens and sessions, and clear its failed logins (its
    owner just proved they read its email). Raise InvalidResetLink, or
    WeakPassword naming ``new_password``; either changes nothing.

    The user's row is locked before the token is checked, so of two requests
    with one link only the first sets a password (the second then finds the
    token spent).
    """
    user = _user_of_reset_uid(uid)
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidResetLink()
    password_check(password=new_password, user=user, field="new_password")
    _password_set(user=user, password=new_password)
    login_failures_clear(email=user.email)
    return user


@transaction.atomic
def tokens_revoke_all(*, user: User) -> int:
    """Log ``user`` out everywhere; return how many tokens were revoked."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def tokens_purge_expired() -> int:
    """Delete tokens past their lifetime (they already stopped working)."""
    deleted, _ = ApiToken.objects.filter(last_used_at__lte=ApiToken.expiry_cutoff()).delete()
    return deleted


@transaction.atomic
def login_failures_purge() -> int:
    """Delete failures too old to count towards throttling; return how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.LOJISTA_LOGIN_FAILURE_WINDOW)
    deleted, _ = LoginFailure.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def staff_upsert(*, email: str, password: str, role: str, name: str | None = None) -> tuple[User, bool]:
    """Create the staff member ``email`` or update their role, name and password.

    Owners are also superusers (every Django permission).
    """
    if role not in User.Role.values:
        raise InvalidRole()
    email = User.objects.normalize_email(email)
    user = User.objects.select_for_update().filter(email=email).first()
    created = user is None
    if user is None:
        user = User(email=email)
    if name is not None:
        user.name = name
    user.role = role
    user.is_staff = True
    user.is_superuser = role == User.Role.OWNER
    password_check(password=password, user=user)
    user.set_password(password)
    user.save()
    return user, created


def user_language_set(*, user: User, language: str) -> None:
    """The language ``user`` reads the shop in: their emails and, for staff,
    the back office. Empty: the request's language (customers) or the shop's
    (staff)."""
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise InvalidInput.field("language", _("Choose one of the shop's languages."))
    user.language = language
    user.save(update_fields=["language"])


# Staff accounts, managed by owners (the back office's settings). An account
# without a usable password is a pending invitation: it cannot log in or ask
# for a password reset until its invitee chooses a password with the link.


def _staff_member(user_id: int) -> User:
    """The staff member ``user_id``, locked for the change; NotStaffAccount
    for a customer or nobody."""
    user = User.objects.select_for_update().filter(pk=user_id, is_staff=True).first()
    if user is None or user.role not in STAFF_ROLES:
        raise NotStaffAccount()
    return user


def _set_role(user: User, role: str) -> None:
    # Owners are also superusers, for the interim Django admin (staff_upsert).
    user.role = role
    user.is_staff = True
    user.is_superuser = role == User.Role.OWNER


def _check_an_owner_remains(user: User, actor: User) -> None:
    """Refuse to take ``user`` out of the active owners when ``actor`` is
    themselves or when no other active owner would remain. The owners' rows
    are locked first, so two owners removing each other at once cannot leave
    the shop with none."""
    if user.pk == actor.pk:
        raise OwnAccount()
    owners = list(
        User.objects.select_for_update()
        .filter(is_active=True, is_staff=True, role=User.Role.OWNER)
        .values_list("pk", flat=True)
    )
    if user.is_active and user.role == User.Role.OWNER and set(owners) <= {user.pk}:
        raise LastOwner()


@transaction.atomic
def staff_invite(*, email: str, name: str, role: str, invited_by: User | None) -> User:
    """Create a staff account for ``email`` without a password and email its
    invitation (in the shop's language) to choose one. Inviting someone whose
    invitation is still pending sends it again, with the new name and role;
    any other existing account is EmailTaken."""
    if role not in User.Role.values:
        raise InvalidRole()
    email = User.objects.normalize_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput.field("email", exc.messages[0]) from exc
    user = User.objects.select_for_update().filter(email=email).first()
    if user is None:
        user = User(email=email)
        user.set_unusable_password()
    elif not (user.is_staff and user.is_active and not user.has_usable_password()):
        raise EmailTaken()
    user.name = name.strip()
    _set_role(user, role)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # invited at the same moment by another owner
        raise EmailTaken() from exc
    staff_invited.send(sender=User, user=user, invited_by=invited_by, language=shop_language())
    return user


@transaction.atomic
def staff_role_set(*, user_id: int, role: str, actor: User) -> User:
    """Make the staff member ``user_id`` an owner or staff; nobody changes
    their own role, and the last active owner stays one."""
    if role not in User.Role.values:
        raise InvalidRole()
    user = _staff_member(user_id)
    if role != user.role:
        if role != User.Role.OWNER:
            _check_an_owner_remains(user, actor)
        _set_role(user, role)
        user.save(update_fields=["role", "is_staff", "is_superuser"])
    return user


@transaction.atomic
def staff_deactivate(*, user_id: int, actor: User) -> User:
    """Take away the staff member's access and log them out everywhere.

    An inactive account is refused by every login and guard, and its API
    tokens are revoked. Its password is also made unusable: each browser
    session holds a hash of the password (Django's session auth hash), so
    every session ends at its next request and stays ended should the
    account be activated again, which then invites them to choose a new one.
    """
    user = _staff_member(user_id)
    _check_an_owner_remains(user, actor)
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    tokens_revoke_all(user=user)
    return user


@transaction.atomic
def staff_activate(*, user_id: int, actor: User) -> User:
    """Give a deactivated staff member their access back: like a new
    invitation, they get an email to choose a password."""
    user = _staff_member(user_id)
    if not user.is_active:
        user.is_active = True
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        staff_invited.send(sender=User, user=user, invited_by=actor, language=shop_language())
    return user


@transaction.atomic
def invitation_accept(*, uid: str, token: str, password: str) -> User:
    """Give the invitee of a link (``uid``, ``token``) their first password.
    Raise InvalidInvitation, or WeakPassword naming ``password``; either
    changes nothing. The row is locked before the token is checked, so a
    link works once even when sent twice at the same moment."""
    user = _user_of_reset_uid(uid)
    if (
        user is None
        or not user.is_staff
        or user.has_usable_password()
        or not invitation_token_generator.check_token(user, token)
    ):
        raise InvalidInvitation()
    password_check(password=password, user=user)
    _password_set(user=user, password=password)
    return user
