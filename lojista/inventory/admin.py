from django.contrib import admin

from lojista.inventory.models import Stock


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    """Read-only: saving a form writes back a quantity read earlier and could
    undo a concurrent sale. Stock changes go through the inventory services."""

    list_display = ["variant", "quantity", "updated_at"]
    list_select_related = ["variant__product"]
    search_fields = ["variant__sku", "variant__product__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
