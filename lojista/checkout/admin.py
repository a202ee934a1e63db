from django.contrib import admin
from django.http import HttpRequest

from lojista.checkout.models import Checkout, CheckoutLine, ShippingMethod, ShippingZone


class ShippingMethodInline(admin.TabularInline):
    model = ShippingMethod
    extra = 1
    fields = [
        "code",
        "name",
        "description",
        "translations",
        "kind",
        "price",
        "free_above",
        "is_active",
        "pickup_location",
        "pickup_details",
    ]


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "countries"]
    search_fields = ["name"]
    inlines = [ShippingMethodInline]


class ReadOnlyMixin:
    """Checkouts are written by the checkout services only: the admin looks."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CheckoutLineInline(ReadOnlyMixin, admin.TabularInline):
    model = CheckoutLine
    fields = ["product_name", "variant_name", "sku", "unit_price", "quantity"]


@admin.register(Checkout)
class CheckoutAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "email", "status", "total", "expires_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    ordering = ["-created_at"]
    inlines = [CheckoutLineInline]
