"""Stock on hand per variant, and time-limited holds (reservations) on it.

Available = on hand - active (unexpired) reservations. An expired
reservation stops counting the moment it expires, whether or not the
periodic task has deleted it yet.
"""

from django.db import models
from django.utils import timezone

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
