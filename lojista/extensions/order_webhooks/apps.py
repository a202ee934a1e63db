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
        pass
