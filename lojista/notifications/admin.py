from django.contrib import admin
from django.http import HttpRequest

from lojista.notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The outbox, for staff to see what was sent and what failed; the
    delivery services alone write it (retry: the back-office API)."""

    list_display = ["id", "kind", "order", "status", "attempts", "sent_at", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["dedupe_key", "recipients", "order__number"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
