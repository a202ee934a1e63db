from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "lojista.catalog"
    label = "catalog"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lojista.catalog.listing_cache import catalog_changed
        from lojista.catalog.models import Product, Variant

        for model in (Product, Variant):
            for signal in (post_save, post_delete):
                signal.connect(
                    catalog_changed, sender=model, dispatch_uid=f"catalog-listing-{model.__name__}"
                )
