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


class NotStaffAccount(NotFound):
    """Staff management names an account that is not a staff member's."""

    code = "staff_not_found"
    default_message = _("There is no staff member with this account.")


class OwnAccount(Conflict):
    """Nobody deactivates or demotes themselves: another owner must, so the
    shop never loses its last way in by a slip of the hand."""

    code = "own_account"
    default_message = _("You cannot deactivate your own account or change your own role.")


class LastOwner(Conflict):
    code = "last_owner"
    default_message = _("The shop needs at least one active owner.")


class InvalidInvitation(InvalidInput):
    """The uid and token of an invitation do not name a pending invitation
    now (wrong, expired, already accepted, or the account was deactivated)."""

    code = "invalid_invitation"
    default_message = _("This invitation link is invalid or has expired. Ask the shop's owner for a new one.")


class CustomerNotFound(NotFound):
    code = "customer_not_found"
    default_message = _("Customer not found.")
