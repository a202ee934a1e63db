"""Reads about people."""

import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode

from lojista.customers.auth import STAFF_ROLES
from lojista.customers.errors import CustomerNotFound
from lojista.customers.models import LoginFailure, User
from lojista.customers.tokens import invitation_token_generator


def login_retry_after(*, email: str, client_address: str) -> int:
    """Seconds until a login for ``email`` from ``client_address`` is allowed
    again; 0 when it is allowed now.

    Logins stop once LOJISTA_LOGIN_MAX_FAILURES failures fall within the window,
    for the email or for the address; they resume when the oldest of the most
    recent MAX_FAILURES leaves the window.
    """
    window = timedelta(seconds=settings.LOJISTA_LOGIN_FAILURE_WINDOW)
    limit = settings.LOJISTA_LOGIN_MAX_FAILURES
    now = timezone.now()
    recent = LoginFailure.objects.filter(created_at__gt=now - window).order_by("-created_at")
    waits = []
    for scope in (recent.filter(email=email), recent.filter(client_address=client_address)):
        oldest_counted = scope.values_list("created_at", flat=True)[limit - 1 : limit].first()
        if oldest_counted is not None:
            waits.append((oldest_counted + window - now).total_seconds())
    longest = max(waits, default=0.0)
    return math.ceil(longest) if longest > 0 else 0


def staff_members() -> QuerySet[User]:
    """Every staff account, active or not, owners first, then by name and
    email. A staff member is ``is_staff`` with a role; a shop has a handful."""
    return User.objects.filter(is_staff=True, role__in=STAFF_ROLES).order_by("role", "name", "email")


def user_id_of_uid(uid: str) -> int | None:
    """The account id a link's ``uid`` (base64 of the id) names, if any."""
    try:
        pk = int(urlsafe_base64_decode(uid).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    # The database's bigint, or PostgreSQL would refuse the query.
    return pk if 0 < pk < 2**63 else None


def password_reset_account(*, uid: str, token: str) -> User | None:
    """The active account a password-reset link opens now, if any (the page
    asks for a new password only then; the service checks again)."""
    pk = user_id_of_uid(uid)
    user = User.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
    return user if user is not None and default_token_generator.check_token(user, token) else None


def invitee(*, uid: str, token: str) -> User | None:
    """The staff member an invitation link invites now, if any."""
    pk = user_id_of_uid(uid)
    user = User.objects.filter(pk=pk, is_active=True, is_staff=True).first() if pk is not None else None
    if user is None or user.has_usable_password():
        return None
    return user if invitation_token_generator.check_token(user, token) else None


def registered_customers(*, q: str = "") -> QuerySet[User]:
    """People who shop with an account: no staff role (staff and owners are
    not customers, even when they buy). ``q`` is part of an email or name,
    case-insensitive."""
    customers = User.objects.filter(is_staff=False, role="")
    q = q.strip()
    if q:
        customers = customers.filter(Q(email__icontains=q) | Q(name__icontains=q))
    return customers


def registered_customer(*, customer_id: int) -> User:
    """The customer ``customer_id``; a staff member's account is not one."""
    customer = registered_customers().filter(pk=customer_id).first()
    if customer is None:
        raise CustomerNotFound()
    return customer
