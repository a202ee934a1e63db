from datetime import timedelta

from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "lojista.inventory"
    label = "inventory"

    def ready(self) -> None:
        from lojista.core.scheduler import register_periodic
        from lojista.inventory.tasks import release_expired_reservations

        register_periodic(release_expired_reservations, every=timedelta(minutes=1))
