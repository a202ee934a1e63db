from django.contrib import admin

from lojista.checkout.models import ShippingMethod, ShippingZone


class ShippingMethodInline(admin.TabularInline):
    model = ShippingMethod
    extra = 1
    fields = ["code", "name", "kind", "price", "free_above", "is_active"]


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "countries"]
    search_fields = ["name"]
    inlines = [ShippingMethodInline]
