"""Errors of accounts: registration, login and staff management."""

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Conflict, DomainError, InvalidInput, NotFound, Throttled


class EmailTaken(Conflict):
    code = "email_taken"
    default_message = _("An account with this email already exists.")


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    default_message = _("The email or password is incorrect.")


class TooManyLoginAttempts(Throttled):
    code = "too_many_attempts"
    default_message = _("Too many failed login attempts. Try again later.")


class WeakPassword(InvalidInput):
    """The password failed AUTH_PASSWORD_VALIDATORS; details name the problems
    under ``fields.<field>`` (``password`` unless told), the shape of every
    other validation error."""

    def __init__(self, messages: list[str], *, field: str = "password"):
        super().__init__(details={"fields": {field: messages}})


class InvalidRole(InvalidInput):
    default_message = _("The role must be owner or staff.")


class InvalidResetLink(InvalidInput):
    """The uid and token of a password reset do not name an account, or the
    token is not that account's now (expired, used, or the password or last
    login changed since it was made)."""

    code = "invalid_reset_link"
    default_message = _("This password reset link is invalid or has expired. Ask for a new one.")


class CustomerNotFound(NotFound):
    code = "customer_not_found"
    default_message = _("Customer not found.")
