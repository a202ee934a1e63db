from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "lojista.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Connect the order signals: the outbox rows are written in the
        # order's own transaction.
        from lojista.notifications import receivers  # noqa: F401
        from lojista.notifications.order_kinds import register_order_kinds

        register_order_kinds()
