"""Accounts: register, log out, passwords, and who am I (logging in is in
carts.api: it merges the guest cart)."""

from django.http import HttpRequest
from ninja import Router, Status

from lojista.core.http import client_address
from lojista.core.ratelimit import rate_limit
from lojista.core.schemas import Error
from lojista.customers import services, tasks
from lojista.customers.auth import token_auth
from lojista.customers.models import User
from lojista.customers.schemas import (
    AuthOut,
    CustomerOut,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RegisterIn,
)

router = Router(tags=["accounts"])


class AuthenticatedRequest(HttpRequest):
    """A request token_auth let in: ninja puts the user it returned on ``auth``."""

    auth: User


@router.post("/auth/register", response={201: AuthOut, 409: Error, 422: Error, 429: Error})
def register(request: HttpRequest, payload: RegisterIn):
    rate_limit(request, "register", email=payload.email)
    user, token = services.customer_register(
        email=payload.email, password=payload.password, name=payload.name, language=request.LANGUAGE_CODE
    )
    return Status(201, {"token": token, "customer": user})


def _bearer_token(request: AuthenticatedRequest) -> str:
    """The raw token token_auth accepted: ninja keeps only the user it returned."""
    _scheme, _, token = request.headers["Authorization"].partition(" ")
    return token


@router.post("/auth/logout", auth=token_auth, response={204: None, 401: Error})
def logout(request: AuthenticatedRequest):
    services.token_revoke(user=request.auth, raw_token=_bearer_token(request))
    return Status(204, None)


@router.post("/auth/logout-all", auth=token_auth, response={204: None, 401: Error})
def logout_all(request: AuthenticatedRequest):
    """Log out everywhere: every token of the user stops working, this one too."""
    services.tokens_revoke_all(user=request.auth)
    return Status(204, None)


@router.get("/me", auth=token_auth, response={200: CustomerOut, 401: Error})
def me(request: AuthenticatedRequest):
    return request.auth


@router.post("/me/password", auth=token_auth, response={204: None, 401: Error, 422: Error, 429: Error})
def change_password(request: AuthenticatedRequest, payload: PasswordChangeIn):
    """Change your password. A wrong `current_password` is `422` naming it (and
    counts as a failed login); a weak `new_password` is `422` naming it. Your
    other tokens are revoked; this one keeps working."""
    services.password_change(
        user=request.auth,
        current_password=payload.current_password,
        new_password=payload.new_password,
        current_token=_bearer_token(request),
        client_address=client_address(request),
    )
    return Status(204, None)


@router.post("/auth/password-reset", response={202: None, 429: Error})
def password_reset(request: HttpRequest, payload: PasswordResetIn):
    """Ask for an email with a link to choose a new password. `202` whatever
    the email, so that the answer does not tell who has an account; the link
    arrives only for an active account, in its language."""
    rate_limit(request, "password_reset", email=payload.email)
    tasks.request_password_reset_later(email=payload.email, language=request.LANGUAGE_CODE)
    return Status(202, None)


@router.post("/auth/password-reset/confirm", response={204: None, 422: Error, 429: Error})
def password_reset_confirm(request: HttpRequest, payload: PasswordResetConfirmIn):
    """Choose a new password with the `uid` and `token` of the emailed link.
    Every token and browser session of the account is logged out; log in
    again with the new password. A link that is wrong, used or expired is
    `422 invalid_reset_link`; a weak `new_password` is `422` naming it."""
    rate_limit(request, "password_reset_confirm")
    services.password_reset_confirm(uid=payload.uid, token=payload.token, new_password=payload.new_password)
    return Status(204, None)
