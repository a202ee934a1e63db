from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lojista.core.extensions import BackofficeLink, ExtensionConfig

SLUG = "abandoned-checkouts"


class AbandonedCheckoutsConfig(ExtensionConfig):
    name = "lojista.extensions.abandoned_checkouts"
    label = "abandoned_checkouts"
    slug = SLUG
    verbose_name = _("Abandoned checkouts")
    description = _(
        "Finds the checkouts customers started and did not finish, reminds them by email "
        "with a link that restores their cart, and shows the orders and revenue it recovers."
    )
    api_router = "lojista.extensions.abandoned_checkouts.api.router"
    backoffice_urls = "lojista.extensions.abandoned_checkouts.backoffice_urls"
    storefront_urls = "lojista.extensions.abandoned_checkouts.storefront_urls"
    backoffice_url_name = "abandoned_checkouts:list"
    backoffice_links = (
        BackofficeLink(
            pgettext_lazy("back-office menu", "Abandoned"),
            "abandoned_checkouts:list",
            parent="backoffice:orders",
        ),
    )

    def ready(self) -> None:
        from lojista.checkout.signals import checkout_started
        from lojista.core.scheduler import register_periodic
        from lojista.extensions.abandoned_checkouts.emails import register_kinds
        from lojista.extensions.abandoned_checkouts.receivers import attribute_order, watch_checkout
        from lojista.extensions.abandoned_checkouts.tasks import sweep
        from lojista.orders.signals import order_placed

        register_kinds()
        checkout_started.connect(watch_checkout, dispatch_uid="abandoned_checkouts.watch_checkout")
        order_placed.connect(attribute_order, dispatch_uid="abandoned_checkouts.attribute_order")
        register_periodic(sweep, every=timedelta(minutes=1))
