"""Order webhooks: the owner's endpoints, and one Delivery row per event and
endpoint (docs/webhooks.md).

A Delivery is written in the transaction of the order's change, with the
body it will POST frozen then (``payload``, the exact JSON text, signed
anew at each attempt); the worker of the "webhooks" queue claims it, sends
it, and records the outcome of each attempt: ready (waiting for its first
or next attempt), sending (claimed: ``next_attempt_at`` is then the end of
the lease), succeeded, or failed (every attempt failed).
"""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What an endpoint may subscribe to."""

    ORDER_PLACED = "order.placed", _("Order placed")
    ORDER_STATUS_CHANGED = "order.status_changed", _("Order status changed")
    ORDER_REFUNDED = "order.refunded", _("Order refunded")


# The test event the owner sends from the back office or the API: every
# endpoint receives it when asked, whatever it subscribed to.
PING = "ping"

SECRET_PREFIX = "whsec_"
URL_MAX_LENGTH = 2000
DESCRIPTION_MAX_LENGTH = 200


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class Endpoint(models.Model):
    url = models.CharField(_("URL"), max_length=URL_MAX_LENGTH)
    description = models.CharField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    # A subset of EventType's values, in their order.
    events = models.JSONField(_("events"), default=list)
    # The HMAC key of the Lojista-Signature header, shown to the owner.
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    # Why it is not active: set when the shop turned it off after failures,
    # or by the owner; empty while active.
    disabled_reason = models.CharField(_("why disabled"), max_length=500, blank=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    # Failed attempts since the last success, and when the first of them
    # failed: the endpoint is turned off when both say it has been down
    # for long (services.AUTO_DISABLE_*).
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    class Status(models.TextChoices):
        READY = "ready", _("Waiting")
        SENDING = "sending", _("Sending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(_("event"), max_length=40)
    # The event's id: the same for every endpoint and every attempt (the
    # payload's "id" and the Lojista-Delivery header), so receivers dedupe on it.
    event_id = models.UUIDField(_("event id"))
    # The order it is about (none for a ping), for the log.
    order_number = models.PositiveIntegerField(_("order"), null=True, blank=True)
    # The body as sent: JSON text, frozen when the change was made.
    payload = models.TextField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.READY)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When the row may next be claimed: the retry time of a ready row, the
    # end of the lease of a row being sent (a crashed worker's row comes back).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # The attempt that claimed the row: how its worker tells it is still its own.
    claim = models.CharField(max_length=32, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    last_error = models.TextField(_("error"), blank=True)
    # The start of the endpoint's last answer (services.RESPONSE_EXCERPT_BYTES).
    response_excerpt = models.TextField(_("response"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once"),
        ]
        indexes = [
            # The sweep's and the claim's search: due rows by status.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            # An endpoint's log, newest first (keyset on id).
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} ({self.status})"
