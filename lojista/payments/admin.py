from django.contrib import admin

from lojista.payments.models import Payment, Refund

REFUND_FIELDS = ("created_at", "amount", "currency", "status", "reference", "reason", "error_message")


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    fields = REFUND_FIELDS
    readonly_fields = REFUND_FIELDS
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: payments change only through the gateways and their webhooks."""

    list_display = ["created_at", "gateway", "status", "amount", "currency", "reference", "checkout"]
    list_filter = ["status", "gateway"]
    search_fields = ["reference", "idempotency_key", "checkout__id", "checkout__email"]
    date_hierarchy = "created_at"
    exclude = ["client_secret"]
    list_select_related = ["checkout"]
    inlines = [RefundInline]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
