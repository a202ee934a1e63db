"""The extension's domain errors (mapped to HTTP once, in lojista/api.py)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Conflict, DomainError, NotFound


class AbandonedCheckoutNotFound(NotFound):
    code = "abandoned_checkout_not_found"
    default_message = _("No such abandoned checkout.")


# Why a reminder cannot be sent by hand (ReminderNotAllowed.details["reason"]).
ORDERED = "ordered"
UNSUBSCRIBED = "unsubscribed"
OUT_OF_STOCK = "out_of_stock"
RECOVERED = "recovered"
PURGED = "purged"
WATCHING = "watching"
TOO_SOON = "too_soon"

REMINDER_REFUSALS = {
    ORDERED: _("This customer has ordered since: no reminder is sent."),
    UNSUBSCRIBED: _("This customer asked for no more reminders."),
    OUT_OF_STOCK: _("Every item of this cart is out of stock."),
    RECOVERED: _("This checkout was already recovered."),
    PURGED: _("This checkout's personal data was removed (retention): it cannot be reminded."),
    WATCHING: _("This checkout is not abandoned yet."),
    TOO_SOON: _("A reminder was sent a few minutes ago. Wait a little before sending another."),
}


class ReminderNotAllowed(Conflict):
    """``details["reason"]``: one of REMINDER_REFUSALS (ordered, unsubscribed,
    out_of_stock, recovered, purged, watching, too_soon)."""

    code = "reminder_not_allowed"
    default_message = _("This reminder cannot be sent.")

    def __init__(self, reason: str, *, details: dict[str, Any] | None = None):
        self.reason = reason
        super().__init__(REMINDER_REFUSALS.get(reason), details={"reason": reason, **(details or {})})


# Why a recovery link does not open (RecoveryLinkInvalid.details["reason"]).
TAMPERED = "tampered"
EXPIRED = "expired"
USED = "used"

LINK_PROBLEMS = {
    TAMPERED: _("This link is not valid. Copy it again from the email, in full."),
    EXPIRED: _("This link has expired."),
    USED: _("This cart was already ordered."),
}


class RecoveryLinkInvalid(DomainError):
    """``details["reason"]``: tampered, expired or used (the checkout was
    ordered or recovered since). Nothing was changed."""

    status = 400
    code = "recovery_link_invalid"
    default_message = _("This link cannot be used.")

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(LINK_PROBLEMS.get(reason), details={"reason": reason})


class UnsubscribeLinkInvalid(DomainError):
    status = 400
    code = "unsubscribe_link_invalid"
    default_message = _("This unsubscribe link is not valid. Copy it again from the email, in full.")
