"""Errors of payments, mapped to HTTP in lojista/api.py."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import Conflict, DomainError


class PaymentDeclined(DomainError):
    """The gateway refused the payment; ``details.reason`` is the gateway's
    code (``card_declined``, ``invalid_token``, …) and the message says it to
    the customer, who may try again with another card."""

    status = 402
    code = "payment_declined"
    default_message = _("The payment was declined.")


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"
    default_message = _(
        "This Idempotency-Key was already used for a different request. Use a new key for a new attempt."
    )


class PaymentGatewayUnavailable(DomainError):
    """The provider could not be reached or answered with an error of its
    own. Nothing was recorded as paid: the same request (same key) may be
    sent again, and the provider sees the same idempotency key."""

    status = 503
    code = "payment_unavailable"
    default_message = _("The payment service is unavailable. Try again in a moment.")

    def __init__(
        self, message: Any = None, *, details: dict[str, Any] | None = None, provider_message: str = ""
    ):
        # What the provider said, for staff (a failed refund shows it); never
        # sent to customers, whose message stays the one above.
        self.provider_message = provider_message
        super().__init__(message, details=details)


class PaymentNotRefundable(Conflict):
    code = "payment_not_refundable"
    default_message = _("Only a succeeded or awaited payment can be refunded.")


class PaymentNotAwaited(Conflict):
    code = "payment_not_awaited"
    default_message = _("Only an offline payment that is awaited can be recorded as received.")


class InvalidWebhookSignature(DomainError):
    status = 400
    code = "invalid_signature"
    default_message = _("The webhook signature is missing or invalid.")
