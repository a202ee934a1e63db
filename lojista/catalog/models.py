"""What the shop sells: products and their variants (the sellable unit)."""

from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Product(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    images = models.JSONField(_("image URLs"), default=list, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    """A sellable unit: one size/colour of a product, with its SKU and price.

    Stock lives in the inventory app; ``track_stock`` False means the shop
    never runs out of it (a digital good, made to order).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(_("name"), max_length=200, blank=True)
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    track_stock = models.BooleanField(_("track stock"), default=True)
    max_per_order = models.PositiveIntegerField(
        _("maximum per order"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The most units one order may hold; empty: the shop's default (MAX_PER_ORDER)."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="variant_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(max_per_order__isnull=True) | models.Q(max_per_order__gte=1),
                name="variant_max_per_order_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} - {self.name}" if self.name else self.product.name

    @property
    def order_limit(self) -> int | None:
        """The most units of this variant one order may hold (None: no limit)."""
        return order_limit(self.max_per_order)


def order_limit(max_per_order: int | None) -> int | None:
    """The most units of a variant one order may hold (None: no limit): its
    own maximum (``Variant.max_per_order``), else the shop's MAX_PER_ORDER."""
    return max_per_order if max_per_order is not None else settings.LOJISTA_MAX_PER_ORDER


class LineSnapshot(models.Model):
    """What a line of a cart, a checkout or an order holds, copied from the
    variant when the line was made, so that it still says what it was once
    the variant is renamed, repriced or deleted. Abstract: each kind of line
    is its own table; ``copy_line`` makes a line of one kind from another."""

    # What a line made from another line copies (see copy_line).
    SNAPSHOT_FIELDS: ClassVar[tuple[str, ...]] = ("variant_id", "product_name", "variant_name", "sku")

    variant = models.ForeignKey(Variant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    product_name = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=200, blank=True)
    sku = models.CharField(max_length=64)

    class Meta:
        abstract = True

    @staticmethod
    def of_variant(variant: Variant) -> dict[str, Any]:
        """The snapshot of ``variant`` as it is now (its product must be loaded)."""
        return {
            "variant": variant,
            "product_name": variant.product.name,
            "variant_name": variant.name,
            "sku": variant.sku,
        }


class PricedLineSnapshot(LineSnapshot):
    """A snapshot with the unit price agreed and the quantity bought: the
    lines of a checkout and of an order."""

    SNAPSHOT_FIELDS: ClassVar[tuple[str, ...]] = (*LineSnapshot.SNAPSHOT_FIELDS, "unit_price", "quantity")

    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


LineT = TypeVar("LineT", bound=LineSnapshot)


def copy_line(source: Any, line_class: type[LineT], **fields: Any) -> LineT:
    """A new, unsaved ``line_class`` holding what ``source`` (a line of
    another kind, or a view of one) holds: every field in
    ``line_class.SNAPSHOT_FIELDS``, read from ``source``; ``fields`` give the
    rest (the line's parent, a total)."""
    snapshot = {name: getattr(source, name) for name in line_class.SNAPSHOT_FIELDS}
    return line_class(**snapshot, **fields)
