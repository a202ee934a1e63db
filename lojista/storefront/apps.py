from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    """The customers' shop on the web at /: views and templates only.

    Every view parses a form, calls the same service or selector as the API
    and renders; no business rule lives here (docs/architecture.md)."""

    name = "lojista.storefront"
    label = "storefront"
    verbose_name = _("Storefront")
