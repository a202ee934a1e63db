"""Checkout sessions, and the shipping zones and methods they choose from.

A checkout is a priced snapshot of a cart at the moment the customer gave
their email and address: its lines, shipping and total are what they will pay,
computed on the server. Its stock is held (inventory reservations keyed by
``Checkout.reservation_key``) until ``expires_at``.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lojista.catalog.models import PricedLineSnapshot
from lojista.core.i18n import localized, translated_field

# The longest pickup location and opening details the admin accepts (the
# emails' render budget is checked with texts this long).
PICKUP_LOCATION_MAX_LENGTH = 500
PICKUP_DETAILS_MAX_LENGTH = 1000


class ShippingZone(models.Model):
    """A set of countries (ISO 3166-1 alpha-2 codes) served by the same methods."""

    name = models.CharField(_("name"), max_length=100)
    countries = models.JSONField(_("countries"), default=list)

    class Meta:
        verbose_name = _("shipping zone")
        verbose_name_plural = _("shipping zones")

    def __str__(self) -> str:
        return self.name


class ShippingMethod(models.Model):
    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("Delivery")
        PICKUP = "pickup", _("In-store pickup")

    zone = models.ForeignKey(ShippingZone, on_delete=models.CASCADE, related_name="methods")
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(
        _("description"), max_length=200, blank=True, help_text=_("Shown beside the name.")
    )
    # The name and description in the customer's other languages, written
    # like {"pt-br": {"name": "Padrão", "description": "2 a 3 dias úteis"}};
    # name and description above are in the shop's language, the fallback.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DELIVERY)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, default=Decimal("0"))
    free_above = models.DecimalField(
        _("free above subtotal"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Where and when a pickup order is collected (kind "pickup"): shown in
    # the emails and copied onto the order, which keeps them if they change.
    pickup_location = models.TextField(
        _("pickup location"),
        blank=True,
        default="",
        db_default="",
        max_length=PICKUP_LOCATION_MAX_LENGTH,
        help_text=_("The address where customers collect their orders."),
    )
    pickup_details = models.TextField(
        _("opening details"),
        blank=True,
        default="",
        db_default="",
        max_length=PICKUP_DETAILS_MAX_LENGTH,
        help_text=_("Opening hours and how to collect, one item per line."),
    )

    class Meta:
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="shipping_price_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.zone.name}: {self.name}"

    def text(self, field: str, language: str | None = None) -> str:
        """``name`` or ``description`` in ``language`` (the active one by
        default), else in the shop's language."""
        return localized(getattr(self, field), translated_field(self.translations, field), language)

    @property
    def is_pickup(self) -> bool:
        return self.kind == self.Kind.PICKUP

    def clean(self) -> None:
        if self.is_pickup and not self.pickup_location.strip():
            raise ValidationError(
                {
                    "pickup_location": _(
                        "A pickup method needs the address where customers collect their orders."
                    )
                }
            )


class Checkout(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")
        # The cart changed (or a newer checkout of it started): start again.
        OUTDATED = "outdated", _("Outdated")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cart = models.ForeignKey(
        "carts.Cart", on_delete=models.SET_NULL, null=True, blank=True, related_name="checkouts"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkouts"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    email = models.EmailField(_("email"))
    shipping_address = models.JSONField(_("shipping address"))
    shipping_method = models.ForeignKey(ShippingMethod, on_delete=models.PROTECT, related_name="checkouts")
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_price = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    language = models.CharField(max_length=10, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField()
    # The payment attempt in flight (its Idempotency-Key) and the end of its
    # lease: while it runs, no attempt with another key may start. Taken and
    # released by conditional UPDATEs (see checkout.services).
    payment_attempt_key = models.CharField(max_length=255, blank=True)
    payment_attempt_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")

    def __str__(self) -> str:
        return f"checkout {self.pk} ({self.status})"

    @property
    def is_expired(self) -> bool:
        """Open, but past its hold: its stock holds stopped counting then."""
        return self.status == self.Status.OPEN and self.expires_at <= timezone.now()

    @property
    def reservation_key(self) -> str:
        """The stock holds of a checkout belong to its cart, so that the cart's
        own view does not count them against itself."""
        return f"cart:{self.cart_id}" if self.cart_id else f"checkout:{self.pk}"


class CheckoutLine(PricedLineSnapshot):
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="checkout_line_quantity_positive")
        ]

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
