"""Stock on hand per variant, and time-limited holds (reservations) on it.

Available = on hand - active (unexpired) reservations. An expired
reservation stops counting the moment it expires, whether or not the
periodic task has deleted it yet.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lojista.catalog.models import Variant


class Stock(models.Model):
    variant = models.OneToOneField(Variant, on_delete=models.CASCADE, primary_key=True, related_name="stock")
    quantity = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_quantity_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.quantity}"


class Reservation(models.Model):
    """Units held for one holder (``key``, e.g. ``checkout:<id>``) until ``expires_at``."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="reservations")
    key = models.CharField(max_length=100, db_index=True)
    quantity = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="reservation_quantity_positive"),
            models.UniqueConstraint(fields=["key", "variant"], name="one_reservation_per_key_and_variant"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.quantity} x {self.variant_id}"


class StockMovement(models.Model):
    """One change of a variant's units on hand, kept as its history: who
    changed it, when, by how much, to what, and why.

    Written by the stock counts and adjustments of staff (back office and
    API) and by the restock of a cancelled order, in the same transaction as
    the change. Sales are not written here: the orders tell them (decision
    in docs/architecture.md, "Stock history")."""

    class Reason(models.TextChoices):
        RECEIVED = "received", _("Goods received")
        COUNT = "count", _("Stock count")
        DAMAGED = "damaged", _("Damaged or lost")
        RETURNED = "returned", _("Returned by a customer")
        ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
        OTHER = "other", _("Other")

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stock_movements")
    delta = models.IntegerField(_("change"))
    quantity_after = models.IntegerField(_("on hand after"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["variant", "-id"], name="stock_movement_variant_newest")]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.delta:+d} -> {self.quantity_after} ({self.reason})"

    # What staff may give as the reason of a count or an adjustment; a
    # cancellation's restock is the system's.
    STAFF_REASONS = (Reason.RECEIVED, Reason.COUNT, Reason.DAMAGED, Reason.RETURNED, Reason.OTHER)

    @property
    def quantity_before(self) -> int:
        return self.quantity_after - self.delta
