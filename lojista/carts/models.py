"""Persistent carts: a guest's, addressed by an unguessable token, or a customer's.

A line keeps what the customer asked for (``requested_quantity``) whatever the
stock; what can be bought now is worked out on every read (see selectors).
"""

import re
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lojista.catalog.models import LineSnapshot, Variant


def new_cart_token() -> str:
    """192 random bits, URL-safe: the only key a guest has to their cart."""
    return secrets.token_urlsafe(24)


_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_cart_token_shaped(value: str) -> bool:
    """Whether ``value`` could be a token at all: anything else (a NUL byte,
    a megabyte of text) is turned away before it reaches the database."""
    return _TOKEN_SHAPE.fullmatch(value) is not None


class Cart(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged into a customer's cart")
        CONVERTED = "converted", _("Checked out")

    token = models.CharField(max_length=64, unique=True, default=new_cart_token, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="carts"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The last activity: expiry counts from here (see services.carts_purge_expired).
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(status="open"), name="one_open_cart_per_customer"
            )
        ]

    def __str__(self) -> str:
        return f"cart {self.pk} ({self.status})"


class CartLine(LineSnapshot):
    """One variant in a cart. The names and SKU are copied when the line is
    added so that a line whose variant was deleted can still say what it was."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        Variant, on_delete=models.SET_NULL, null=True, blank=True, related_name="cart_lines"
    )
    requested_quantity = models.PositiveIntegerField()
    # The unit price the customer last saw, to tell them once when it changes.
    price_seen = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="one_line_per_cart_and_variant"),
            models.CheckConstraint(
                condition=models.Q(requested_quantity__gt=0), name="cart_line_requested_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requested_quantity} x {self.sku}"
