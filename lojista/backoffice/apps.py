from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The merchant's back office at /backoffice/: views and templates only.

    Every view parses a form, calls the same service or selector as the API
    and renders; no business rule lives here (docs/architecture.md)."""

    name = "lojista.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")
