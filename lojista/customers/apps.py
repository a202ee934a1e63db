from datetime import timedelta

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "lojista.customers"
    label = "customers"

    def ready(self) -> None:
        from lojista.core.scheduler import register_periodic
        from lojista.customers.tasks import purge_expired_tokens, purge_login_failures

        register_periodic(purge_login_failures, every=timedelta(hours=1))
        register_periodic(purge_expired_tokens, every=timedelta(hours=1))
