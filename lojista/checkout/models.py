"""Shipping zones and methods (checkout sessions come with the checkout issue)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DELIVERY)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, default=Decimal("0"))
    free_above = models.DecimalField(
        _("free above subtotal"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="shipping_price_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.zone.name}: {self.name}"
