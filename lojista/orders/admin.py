"""The interim Django admin for orders: read-only, since every change of an
order goes through its services (the back office's and the API's), and orders
are never deleted."""

from django.contrib import admin
from django.http import HttpRequest

from lojista.orders.models import Order, OrderEvent, OrderLine


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OrderLineInline(ReadOnlyMixin, admin.TabularInline):
    model = OrderLine
    fields = readonly_fields = ("product_name", "variant_name", "sku", "unit_price", "quantity", "line_total")


class OrderEventInline(ReadOnlyMixin, admin.TabularInline):
    model = OrderEvent
    fields = readonly_fields = ("created_at", "type", "from_status", "to_status", "actor", "note", "data")


@admin.register(Order)
class OrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "created_at", "email", "status", "payment_status", "total"]
    list_filter = ["status", "payment_status"]
    # Every field read-only up front, so that no form field is ever built for them.
    fields = readonly_fields = (
        "number",
        "created_at",
        "status",
        "payment_status",
        "payment_method",
        "payment",
        "customer",
        "email",
        "language",
        "currency",
        "subtotal",
        "shipping_price",
        "total",
        "shipping_address",
        "shipping_method_name",
        "fulfilment",
        "pickup_location",
        "pickup_details",
        "tracking_url",
        "cancel_reason",
        "utm_source",
        "utm_medium",
    )
    search_fields = ["=number", "email"]
    ordering = ["-number"]
    inlines = [OrderLineInline, OrderEventInline]
