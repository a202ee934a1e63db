from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "lojista.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lojista.core.scheduler import register_periodic
        from lojista.customers.signals import password_reset_requested, staff_invited
        from lojista.notifications.account_kinds import (
            queue_password_reset_email,
            queue_staff_invitation_email,
            register_account_kinds,
        )
        from lojista.notifications.models import NotificationSettings, notification_settings_changed
        from lojista.notifications.order_kinds import register_order_kinds
        from lojista.notifications.receivers import (
            queue_order_placed_emails,
            queue_order_status_email,
            queue_order_tracking_email,
        )
        from lojista.notifications.tasks import sweep_outbox
        from lojista.orders.signals import order_placed, order_status_changed, order_tracking_changed

        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                notification_settings_changed,
                sender=NotificationSettings,
                dispatch_uid=f"notifications.settings_{name}",
            )
        register_order_kinds()
        register_account_kinds()
        password_reset_requested.connect(
            queue_password_reset_email, dispatch_uid="notifications.password_reset_requested"
        )
        staff_invited.connect(queue_staff_invitation_email, dispatch_uid="notifications.staff_invited")

        # The outbox rows are written in the order's own transaction.
        order_placed.connect(queue_order_placed_emails, dispatch_uid="notifications.order_placed")
        order_status_changed.connect(
            queue_order_status_email, dispatch_uid="notifications.order_status_changed"
        )
        order_tracking_changed.connect(
            queue_order_tracking_email, dispatch_uid="notifications.order_tracking_changed"
        )
        register_periodic(sweep_outbox, every=timedelta(minutes=1))
