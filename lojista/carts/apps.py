from datetime import timedelta

from django.apps import AppConfig


class CartsConfig(AppConfig):
    name = "lojista.carts"
    label = "carts"

    def ready(self) -> None:
        from lojista.carts.tasks import purge_expired_carts
        from lojista.core.scheduler import register_periodic

        register_periodic(purge_expired_carts, every=timedelta(hours=1))
