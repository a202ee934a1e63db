"""People on the web surfaces (back office, storefront): session login under
the API's login throttle, and the role guards of views.

The API logs in with bearer tokens (``customers.api``); pages log in with
Django's sessions, CSRF-protected like every form. Both check credentials
with ``services.login_credentials_check``, so failed attempts count across
them, and both count in the same ``login`` rate limits.
"""

import functools
from collections.abc import Callable, Collection
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from lojista.core.errors import NotAuthenticated
from lojista.core.http import client_address
from lojista.core.ratelimit import rate_limit
from lojista.customers.auth import OWNER_ROLES, STAFF_ROLES, has_role
from lojista.customers.models import User
from lojista.customers.services import (
    customer_account_create,
    login_credentials_check,
    password_change,
    password_reset_confirm,
)
from lojista.customers.tasks import request_password_reset_later

# Any response, streamed ones (a CSV export) included.
View = Callable[..., HttpResponseBase]


def session_login(
    request: HttpRequest, *, email: str, password: str, roles: Collection[str] | None = None
) -> User:
    """Log the person in to this browser session and return them; raise
    RateLimited, TooManyLoginAttempts or InvalidCredentials (a user without
    one of ``roles``, when given, is refused like a wrong password).

    ``django.contrib.auth.login`` gives the session a new key and the CSRF
    token a new value (no session fixation) and records ``last_login``.
    Call it from a view that receives the form by POST under Django's CSRF
    protection (the default for every view not marked ``csrf_exempt``).
    """
    rate_limit(request, "login", email=email)
    user = login_credentials_check(
        email=email, password=password, client_address=client_address(request), roles=roles
    )
    auth.login(request, user)
    return user


def session_register(request: HttpRequest, *, email: str, password: str, name: str) -> User:
    """Create a customer account (``services.customer_account_create``, in
    the request's language) under the API's ``register`` rate limits, and log
    it in to this browser session; raise RateLimited, InvalidInput (naming
    ``email`` or ``password``) or EmailTaken. A POST under CSRF, like login."""
    rate_limit(request, "register", email=email)
    user = customer_account_create(email=email, password=password, name=name, language=request.LANGUAGE_CODE)
    auth.login(request, user)
    return user


def session_password_change(request: HttpRequest, *, current_password: str, new_password: str) -> None:
    """Change the logged-in user's password from a page: every API token and
    every other session of theirs is logged out, this session stays (they
    just proved the password, as with Django's PasswordChangeView). Raises
    what ``services.password_change`` raises. A POST under CSRF, like login.
    """
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    password_change(
        user=user,
        current_password=current_password,
        new_password=new_password,
        client_address=client_address(request),
    )
    # The session holds a hash of the password: give this one the new hash,
    # so that the others, still holding the old, are the ones logged out.
    auth.update_session_auth_hash(request, user)


def session_password_reset_request(request: HttpRequest, *, email: str) -> None:
    """Email ``email`` a link to choose a new password, if it has an account
    (``services.password_reset_request``, run as a task so that neither the
    answer nor its time tells whether it does), under the API's rate limits
    (``password_reset``, per email and client address); raise RateLimited."""
    rate_limit(request, "password_reset", email=email)
    request_password_reset_later(email=email, language=request.LANGUAGE_CODE)


def session_password_reset_confirm(request: HttpRequest, *, uid: str, token: str, new_password: str) -> User:
    """Choose a new password with an emailed link (``services.
    password_reset_confirm``: every session and token of the account is
    logged out), counted per client address like the API's confirm; raise
    RateLimited, InvalidResetLink or WeakPassword (naming ``new_password``)."""
    rate_limit(request, "password_reset_confirm")
    return password_reset_confirm(uid=uid, token=token, new_password=new_password)


def _role_required(roles: Collection[str], view: View | None, login_url: str | None) -> Any:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(
                    request.get_full_path(), login_url or settings.LOJISTA_STAFF_LOGIN_URL
                )
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # Who may open it, for whoever walks the URLs (tests/backoffice/test_access.py).
        guarded.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return guarded

    return decorate(view) if view is not None else decorate


def staff_required(view: View | None = None, *, login_url: str | None = None) -> Any:
    """A view for staff members (role staff or owner): an anonymous visitor
    is sent to log in (``login_url``, else ``LOJISTA_STAFF_LOGIN_URL``, with
    ``?next=`` back here), a logged-in user without the role gets 403.
    ``@staff_required`` or ``@staff_required(login_url=...)``; on a
    class-based view, ``@method_decorator(staff_required, name="dispatch")``."""
    return _role_required(STAFF_ROLES, view, login_url)


def owner_required(view: View | None = None, *, login_url: str | None = None) -> Any:
    """Like ``staff_required``, for owners only: a staff member gets 403."""
    return _role_required(OWNER_ROLES, view, login_url)
