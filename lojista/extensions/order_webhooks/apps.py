from django.utils.translation import gettext_lazy as _

from lojista.core.extensions import BackofficeLink, ExtensionConfig

SLUG = "order-webhooks"


class OrderWebhooksConfig(ExtensionConfig):
    name = "lojista.extensions.order_webhooks"
    label = "order_webhooks"
    slug = SLUG
    verbose_name = _("Order webhooks")
    description = _(
        "Sends your other systems (accounting, fulfilment, a chat) a signed message "
        "each time an order is placed, changes status or is refunded."
    )
    api_router = "lojista.extensions.order_webhooks.api.router"
    backoffice_urls = "lojista.extensions.order_webhooks.backoffice_urls"
    backoffice_url_name = "order_webhooks:endpoints"
    backoffice_links = (BackofficeLink(_("Webhooks"), "order_webhooks:endpoints", owners_only=True),)

    def ready(self) -> None:
        from datetime import timedelta

        from lojista.core.scheduler import register_periodic
        from lojista.extensions.order_webhooks import receivers
        from lojista.extensions.order_webhooks.tasks import sweep
        from lojista.orders.signals import order_placed, order_refunded, order_status_changed

        # Deliveries are written in the order's own transaction.
        order_placed.connect(receivers.order_placed, dispatch_uid="order_webhooks.order_placed")
        order_status_changed.connect(
            receivers.order_status_changed, dispatch_uid="order_webhooks.order_status_changed"
        )
        order_refunded.connect(receivers.order_refunded, dispatch_uid="order_webhooks.order_refunded")
        register_periodic(sweep, every=timedelta(minutes=1))
