from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from lojista.core.extensions import ExtensionConfig


class SampleExtensionConfig(ExtensionConfig):
    name = "tests.sample_extension"
    label = "sample_extension"
    slug = "sample-extension"
    verbose_name = _("Sample extension")
    description = _("Counts orders and minutes, for the tests.")

    def ready(self) -> None:
        from lojista.core.scheduler import register_periodic
        from lojista.orders.signals import order_placed
        from tests.sample_extension.receivers import note_order_placed
        from tests.sample_extension.tasks import note_minute

        order_placed.connect(note_order_placed, dispatch_uid="sample_extension.order_placed")
        register_periodic(note_minute, every=timedelta(minutes=1))
