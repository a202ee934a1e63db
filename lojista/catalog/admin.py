from django.contrib import admin

from lojista.catalog.models import Product, Variant


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 1
    fields = ["name", "sku", "options", "price", "track_stock", "max_per_order", "is_published", "position"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_published", "created_at"]
    list_filter = ["is_published"]
    search_fields = ["name", "slug", "description", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VariantInline]
