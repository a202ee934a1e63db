from django.contrib import admin

from lojista.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: payments change only through the gateways and their webhooks."""

    list_display = ["created_at", "gateway", "status", "amount", "currency", "reference", "checkout"]
    list_filter = ["status", "gateway"]
    search_fields = ["reference", "idempotency_key", "checkout__id", "checkout__email"]
    date_hierarchy = "created_at"
    exclude = ["client_secret"]
    list_select_related = ["checkout"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
