from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    """Observability: /metrics (Prometheus) and the receivers that count the
    events other apps signal. The top layer: it may read every app's rows
    (outbox depth, heartbeats) and no app imports it."""

    name = "lojista.observability"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from lojista.observability import services
        from lojista.orders.signals import order_placed

        order_placed.connect(services.order_placed_receiver, dispatch_uid="observability.order_placed")
        task_finished.connect(services.task_finished_receiver, dispatch_uid="observability.task_finished")
