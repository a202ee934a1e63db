from datetime import timedelta

from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "lojista.inventory"
    label = "inventory"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from lojista.catalog.listing_cache import catalog_changed
        from lojista.core.scheduler import register_periodic
        from lojista.inventory.models import Reservation, Stock
        from lojista.inventory.tasks import release_expired_reservations

        # Stock or holds saved one by one, outside the services (which say
        # so themselves for their bulk writes): the listing shows them. Not
        # post_delete: a receiver would turn the services' one-statement
        # deletes of holds into a read of every row first.
        for model in (Stock, Reservation):
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-listing-{model.__name__}")

        register_periodic(release_expired_reservations, every=timedelta(minutes=1))
