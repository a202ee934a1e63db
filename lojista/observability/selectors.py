"""The gauges read from the database when /metrics is scraped: right
whichever process answers, at one cheap query each."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from lojista.core.models import ScheduledRun
from lojista.notifications.models import OutboxMessage
from lojista.observability.models import Heartbeat


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[Any]:
        now = timezone.now()
        ready = OutboxMessage.objects.filter(status=OutboxMessage.Status.READY)
        depth = GaugeMetricFamily("lojista_outbox_ready", "Emails of the outbox waiting to be sent.")
        depth.add_metric([], ready.count())
        yield depth
        oldest = ready.aggregate(oldest=Min("created_at"))["oldest"]
        age = GaugeMetricFamily(
            "lojista_outbox_oldest_ready_age_seconds",
            "How long the oldest email waiting to be sent has waited (0: none waits).",
        )
        age.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
        yield age
        beats = GaugeMetricFamily(
            "lojista_worker_last_heartbeat_timestamp_seconds",
            "When a worker of this kind last finished a task (tasks:<queue>) "
            "or the scheduler last enqueued a periodic task (scheduler), in Unix time.",
            labels=["worker"],
        )
        for name, beat_at in Heartbeat.objects.values_list("name", "beat_at"):
            beats.add_metric([name], beat_at.timestamp())
        # The newest slot row is the scheduler's last enqueue (by pk: its index).
        last_run = ScheduledRun.objects.order_by("-pk").values_list("enqueued_at", flat=True).first()
        if last_run is not None:
            beats.add_metric(["scheduler"], last_run.timestamp())
        yield beats
