"""Reads about people."""

import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from lojista.customers.errors import CustomerNotFound
from lojista.customers.models import LoginFailure, User


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
