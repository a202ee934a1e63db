from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from lojista.core.extensions import BackofficeLink, ExtensionConfig


class SampleExtensionConfig(ExtensionConfig):
    name = "tests.sample_extension"
    label = "sample_extension"
    slug = "sample-extension"
    verbose_name = _("Sample extension")
    description = _("Counts status changes and minutes, for the tests.")
    api_router = "tests.sample_extension.api.router"
    backoffice_urls = "tests.sample_extension.backoffice_urls"
    storefront_urls = "tests.sample_extension.storefront_urls"
    backoffice_url_name = "sample_extension:page"
    backoffice_links = (BackofficeLink(_("Sample"), "sample_extension:page", parent="backoffice:orders"),)

    def ready(self) -> None:
        from lojista.core.scheduler import register_periodic
        from lojista.orders.signals import order_status_changed
        from tests.sample_extension.receivers import note_status_change
        from tests.sample_extension.tasks import note_minute

        # Not order_placed: the sample must not add its flag check to the
        # placement's measured query budget (tests/completion).
        order_status_changed.connect(note_status_change, dispatch_uid="sample_extension.status_changed")
        register_periodic(note_minute, every=timedelta(minutes=1))
