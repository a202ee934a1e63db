"""Errors of orders, mapped to HTTP in lojista/api.py."""

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Conflict, NotFound
from lojista.orders.statuses import status_label


class OrderNotFound(NotFound):
    """Unknown numbers and other customers' orders look the same."""

    default_message = _("This order does not exist.")


class InvalidTransition(Conflict):
    """The order's status may not move to the one asked for; ``details.allowed``
    lists the statuses it may move to (empty once it is final)."""

    code = "invalid_transition"

    def __init__(self, *, from_status: str, to_status: str, allowed: list[str]):
        message = _("An order that is %(from)s cannot be changed to %(to)s.") % {
            "from": status_label(from_status).lower(),
            "to": status_label(to_status).lower(),
        }
        super().__init__(message, details={"from": from_status, "to": to_status, "allowed": allowed})


class PaymentNotAccepted(Conflict):
    """Only a payment that succeeded, or an offline one awaiting payment, places an order."""

    code = "payment_not_accepted"
    default_message = _("The payment has not been accepted, so no order was placed.")


class RefundNotRetryable(Conflict):
    """Only a refund that failed (or is still pending) can be sent again."""

    code = "refund_not_retryable"
    default_message = _("This order has no refund to send again.")


class ManualRefundNotAllowed(Conflict):
    code = "manual_refund_not_allowed"
    default_message = _("Only an offline payment that is paid or awaited can be recorded as refunded.")


class TrackingNotAllowed(Conflict):
    """A tracking link belongs to an order handed to the carrier."""

    code = "tracking_not_allowed"
    default_message = _("A tracking link can only be set on a processed or delivered order.")


class OrderAlreadyPaid(Conflict):
    """Marking an order paid twice: the first mark stands (its amount, date and invoice number)."""

    code = "order_already_paid"
    default_message = _("This order is already paid.")


class MarkPaidNotAllowed(Conflict):
    """Only an offline order awaiting payment, and not cancelled, can be marked paid."""

    code = "mark_paid_not_allowed"
    default_message = _("Only an order awaiting an offline payment can be marked as paid.")


class OrderChanged(Conflict):
    """The order's status is no longer the one the staff member saw (the
    list they ticked it on): someone moved it meanwhile, and a change made
    from a page that no longer holds would overwrite theirs unseen.
    ``details.status`` is the status now."""

    code = "order_changed"

    def __init__(self, *, status: str):
        message = _("This order changed meanwhile: it is now %(status)s. Look at it again first.") % {
            "status": status_label(status).lower()
        }
        super().__init__(message, details={"status": status})
