"""Heartbeats: when each kind of worker last showed it is alive."""

from django.db import models


class Heartbeat(models.Model):
    """One row per worker kind ("tasks:<queue>"): when a worker of that
    kind last finished a task. Read by /metrics at scrape, so the figure is
    the same whatever process answers, and outlives the worker's own."""

    name = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
