"""Payments: one row per attempt to pay for a checkout.

An attempt is identified by the client's ``Idempotency-Key``: the same key on
the same checkout is the same attempt, whatever the number of requests.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    class Gateway(models.TextChoices):
        OFFLINE = "offline", _("Cash on delivery / bank transfer")
        TEST = "test", _("Test card")
        STRIPE = "stripe", _("Card (Stripe)")

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")  # being sent to the gateway
        REQUIRES_ACTION = "requires_action", _("Requires action")  # the customer must confirm (3-D Secure)
        AWAITING = "awaiting", _("Awaiting payment")  # offline: paid on delivery or by transfer
        SUCCEEDED = "succeeded", _("Succeeded")
        DECLINED = "declined", _("Declined")
        REFUNDED = "refunded", _("Refunded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    checkout = models.ForeignKey("checkout.Checkout", on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROCESSING)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    idempotency_key = models.CharField(max_length=255)
    # SHA-256 of the completion request's body: the same key with another body is refused.
    request_hash = models.CharField(max_length=64)
    # The gateway's id for this payment (a Stripe PaymentIntent id, a test charge id).
    reference = models.CharField(max_length=255, blank=True, db_index=True)
    client_secret = models.CharField(max_length=255, blank=True)
    error_code = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["checkout", "idempotency_key"], name="one_payment_per_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.amount} {self.currency} ({self.status})"


class Refund(models.Model):
    """Money given back through the gateway that took it: one row per
    refund, written before the provider is asked (``pending``) and completed
    with its answer, so a refund the provider never confirmed is visible and
    can be asked again (with the same idempotency key: the row's id)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # The gateway's id for the refund (a Stripe Refund id); empty until it answers.
    reference = models.CharField(max_length=255, blank=True)
    # Why the money went back, for staff: a short code and the circumstances.
    reason = models.CharField(_("reason"), max_length=255)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")
        ]

    def __str__(self) -> str:
        return f"refund {self.amount} {self.currency} of {self.payment_id} ({self.status})"
