from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    """The customers' shop on the web at /: views and templates only.

    Every view parses a form, calls the same service or selector as the API
    and renders; no business rule lives here (docs/architecture.md)."""

    name = "lojista.storefront"
    label = "storefront"
    verbose_name = _("Storefront")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lojista.core.models import ShopSettings
        from lojista.storefront.page_cache import shop_settings_changed

        # The home page kept whole (page_cache) shows the shop's name.
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                shop_settings_changed, sender=ShopSettings, dispatch_uid=f"storefront.shop_settings_{name}"
            )
