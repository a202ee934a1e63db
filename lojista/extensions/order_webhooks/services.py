"""Order webhooks: the owner's endpoints, and delivering events to them
(docs/webhooks.md).

Queueing (``event_queue``) happens in the transaction of the order's
change: one query finds the subscribed endpoints, one INSERT writes a
Delivery per endpoint (nothing else when none subscribes), and the delivery
tasks are enqueued once it commits, on the "webhooks" queue, which a worker
of its own runs: a slow or broken endpoint costs that worker's time, never
an order's or an email's.

Delivery (``delivery_send``) is deliberately not one transaction: an HTTP
request must not hold one open. A task claims its row with one conditional
UPDATE (two workers never send the same attempt), POSTs it, and records the
outcome. A worker that dies in between leaves the row claimed until its
lease runs out; the sweep then hands it to another worker, which sends it
again with the same event id (at-least-once: receivers dedupe on the id).
"""

import hashlib
import hmac
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from lojista.core import metrics
from lojista.core.errors import InvalidInput
from lojista.core.queueing import enqueue_later
from lojista.extensions.order_webhooks import payloads, sender
from lojista.extensions.order_webhooks.errors import (
    DeliveryNotRetryable,
    EndpointDisabled,
    TooManyEndpoints,
)
from lojista.extensions.order_webhooks.models import (
    DESCRIPTION_MAX_LENGTH,
    PING,
    Delivery,
    Endpoint,
    EventType,
    new_secret,
)
from lojista.extensions.order_webhooks.safety import check_url

logger = logging.getLogger(__name__)

Status = Delivery.Status

# A shop's endpoints: each order change writes one row per subscribed endpoint.
MAX_ENDPOINTS = 20
# The wait after each failed attempt: 8 attempts over about 45 hours.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# How long a worker may hold a claimed row (an attempt takes 10 s at most).
LEASE = timedelta(minutes=2)
# A due row nobody claimed for this long lost its task: the sweep enqueues it again.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_BATCH = 500
# An endpoint is turned off once it has failed this many attempts in a row
# AND has failed every attempt for this long: a busy shop's short outage
# (a deploy) does not turn it off, a receiver gone for a day does.
AUTO_DISABLE_FAILURES = 15
AUTO_DISABLE_AFTER = timedelta(hours=24)
# Deliveries are kept this long (the log), then deleted by the sweep.
RETENTION = timedelta(days=30)
PRUNE_BATCH = 1000


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Lojista-Signature header: ``t=<unix seconds>,v1=<hex HMAC-SHA256
    of "<t>.<body>" keyed with the endpoint's secret>``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# The endpoints.


def _events(events: Iterable[str]) -> list[str]:
    chosen = set(events)
    unknown = chosen - set(EventType.values)
    if unknown:
        message = _("Unknown events: %(events)s.") % {"events": ", ".join(sorted(unknown))}
        raise InvalidInput.field("events", message)
    if not chosen:
        raise InvalidInput.field("events", _("Choose at least one event."))
    return [event for event in EventType.values if event in chosen]


def _description(description: str) -> str:
    if len(description) > DESCRIPTION_MAX_LENGTH:
        message = _("Ensure this value has at most %(max)d characters.") % {"max": DESCRIPTION_MAX_LENGTH}
        raise InvalidInput.field("description", message)
    return description


@transaction.atomic
def endpoint_create(*, url: str, events: Iterable[str], description: str = "") -> Endpoint:
    """Register an endpoint (active, with a new secret). Raises InvalidInput
    naming ``url`` for a URL the shop may not send to (safety.check_url),
    ``events`` for none or an unknown one; TooManyEndpoints past MAX_ENDPOINTS."""
    chosen = _events(events)
    description = _description(description)
    check_url(url)
    if Endpoint.objects.count() >= MAX_ENDPOINTS:
        raise TooManyEndpoints(details={"max_endpoints": MAX_ENDPOINTS})
    return Endpoint.objects.create(url=url, events=chosen, description=description)


def _lock(endpoint: Endpoint) -> Endpoint:
    return Endpoint.objects.select_for_update().get(pk=endpoint.pk)


def _enable(endpoint: Endpoint) -> None:
    """Active again, its failures forgotten; its deliveries that waited are sent now."""
    endpoint.is_active = True
    endpoint.disabled_reason = ""
    endpoint.disabled_at = None
    endpoint.consecutive_failures = 0
    endpoint.failing_since = None
    now = timezone.now()
    waiting = Delivery.objects.filter(endpoint=endpoint, status=Status.READY)
    ids = list(waiting.order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    if ids:
        Delivery.objects.filter(pk__in=ids).update(next_attempt_at=now, updated_at=now)
        transaction.on_commit(lambda: _enqueue_all(ids), robust=True)


def _disable(endpoint: Endpoint, reason: str) -> None:
    endpoint.is_active = False
    endpoint.disabled_reason = reason[:500]
    endpoint.disabled_at = timezone.now()


@transaction.atomic
def endpoint_update(
    *,
    endpoint: Endpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Endpoint:
    """Change what is given (None: unchanged). Enabling a disabled endpoint
    clears its failure count and sends the deliveries that waited; disabling
    one keeps them waiting (they are not sent while it is off)."""
    chosen = _events(events) if events is not None else None
    if description is not None:
        description = _description(description)
    if url is not None:
        check_url(url)
    endpoint = _lock(endpoint)
    if url is not None:
        endpoint.url = url
    if chosen is not None:
        endpoint.events = chosen
    if description is not None:
        endpoint.description = description
    if is_active is True and not endpoint.is_active:
        _enable(endpoint)
    elif is_active is False and endpoint.is_active:
        _disable(endpoint, _("Disabled by the owner."))
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint) -> None:
    """Delete an endpoint and its log; nothing more is sent to it."""
    Endpoint.objects.filter(pk=endpoint.pk).delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint) -> Endpoint:
    """A new signing secret, in force at once: every attempt from now on,
    retries included, is signed with it (docs/webhooks.md, "Rotating")."""
    endpoint = _lock(endpoint)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


@transaction.atomic
def endpoint_ping(*, endpoint: Endpoint) -> Delivery:
    """Send the endpoint a ``ping`` event (whatever it subscribed to), through
    the same queue as the real ones. Raises EndpointDisabled when it is off."""
    endpoint = _lock(endpoint)
    if not endpoint.is_active:
        raise EndpointDisabled()
    now = timezone.now()
    event_id = uuid.uuid4()
    data = {"endpoint": {"id": endpoint.pk, "url": endpoint.url, "events": endpoint.events}}
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event_type=PING,
        event_id=event_id,
        payload=payloads.body(event_id=event_id, event_type=PING, created_at=now, data=data),
        created_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: delivery_enqueue(delivery.pk), robust=True)
    return delivery


# Queueing, in the transaction of the order's change.


def delivery_enqueue(delivery_id: int, *, run_after: datetime | None = None) -> None:
    """Have ``delivery_id`` sent by a task on the "webhooks" queue (call it
    once the row has committed); ``run_after``: not before then."""
    # Imported here: the task module wraps this one.
    from lojista.extensions.order_webhooks.tasks import deliver

    # A backend without delayed tasks enqueues nothing: the sweep sends it when due.
    enqueue_later(deliver, delivery_id, run_after=run_after)


def _enqueue_all(ids: list[int]) -> None:
    for delivery_id in ids:
        delivery_enqueue(delivery_id)


def event_queue(
    *, event_type: str, data: Callable[[], dict[str, Any]], order_number: int | None = None
) -> int:
    """Write one Delivery of event ``event_type`` per active endpoint
    subscribed to it, in the caller's transaction (the change's: the one
    INSERT needs no savepoint of its own), and have them sent once it
    commits. ``data`` builds the event's ``data`` (only called when an
    endpoint wants it). Returns how many were written."""
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(is_active=True).only("pk", "events")
        if event_type in endpoint.events
    ]
    if not endpoints:
        return 0
    now = timezone.now()
    event_id = uuid.uuid4()
    text = payloads.body(event_id=event_id, event_type=event_type, created_at=now, data=data())
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            endpoint=endpoint,
            event_type=event_type,
            event_id=event_id,
            order_number=order_number,
            payload=text,
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    )
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: _enqueue_all(ids), robust=True)
    return len(ids)


# Delivery, outside any transaction.


def _claim(delivery_id: int) -> Delivery | None:
    """Take row ``delivery_id`` for one attempt if it is due and its endpoint
    is active: a conditional UPDATE, so of two workers racing for it one gets
    it. The attempt is counted now (a worker that dies still spent it)."""
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or not delivery.endpoint.is_active:
        return None
    now = timezone.now()
    claim = uuid.uuid4().hex
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=[Status.READY, Status.SENDING], next_attempt_at__lte=now
    ).update(
        status=Status.SENDING,
        claim=claim,
        attempts=F("attempts") + 1,
        next_attempt_at=now + LEASE,
        updated_at=now,
    )
    if not claimed:
        return None
    delivery.refresh_from_db(fields=["status", "claim", "attempts", "next_attempt_at"])
    return delivery


def _still_ours(delivery: Delivery) -> Any:
    """The row as this attempt claimed it: an attempt whose lease ran out
    (and was handed to another worker) records nothing."""
    return Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING, claim=delivery.claim)


def _headers(delivery: Delivery, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": sender.USER_AGENT,
        "Lojista-Event": delivery.event_type,
        "Lojista-Delivery": str(delivery.event_id),
        "Lojista-Signature": signature(delivery.endpoint.secret, int(time.time()), body),
    }


def _outcome_fields(outcome: sender.Outcome) -> dict[str, Any]:
    return {
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "response_excerpt": outcome.excerpt,
        "duration_ms": outcome.duration_ms,
    }


@transaction.atomic
def _record_success(delivery: Delivery, outcome: sender.Outcome) -> None:
    now = timezone.now()
    if _still_ours(delivery).update(
        status=Status.SUCCEEDED, delivered_at=now, updated_at=now, **_outcome_fields(outcome)
    ):
        Endpoint.objects.filter(pk=delivery.endpoint_id, consecutive_failures__gt=0).update(
            consecutive_failures=0, failing_since=None, updated_at=now
        )


def retry_delay(attempts: int) -> timedelta:
    """The wait after failed attempt number ``attempts`` (1-based)."""
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def _disable_if_down(endpoint_id: int, now: datetime, outcome: sender.Outcome) -> None:
    """Turn the endpoint off if it has failed long enough (AUTO_DISABLE_*)."""
    down = Endpoint.objects.filter(
        pk=endpoint_id,
        is_active=True,
        consecutive_failures__gte=AUTO_DISABLE_FAILURES,
        failing_since__lte=now - AUTO_DISABLE_AFTER,
    ).first()
    if down is None:
        return
    reason = _(
        "Turned off by the shop: %(count)d attempts in a row failed since %(since)s (last: %(error)s). "
        "Fix the receiver, then enable it: the deliveries that waited are sent."
    ) % {
        "count": down.consecutive_failures,
        "since": timezone.localtime(down.failing_since).strftime("%Y-%m-%d %H:%M %Z"),
        "error": outcome.error,
    }
    Endpoint.objects.filter(pk=endpoint_id, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason[:500], updated_at=now
    )
    logger.warning(
        "Webhook endpoint %s turned off after %s failures.", endpoint_id, down.consecutive_failures
    )


@transaction.atomic
def _record_failure(delivery: Delivery, outcome: sender.Outcome) -> datetime | None:
    """Record a failed attempt; return when the next one is due (None: the
    delivery failed for good)."""
    now = timezone.now()
    retry_at = now + retry_delay(delivery.attempts) if delivery.attempts < MAX_ATTEMPTS else None
    status = Status.READY if retry_at is not None else Status.FAILED
    if not _still_ours(delivery).update(
        status=status, next_attempt_at=retry_at or now, updated_at=now, **_outcome_fields(outcome)
    ):
        return None
    Endpoint.objects.filter(pk=delivery.endpoint_id).update(
        consecutive_failures=F("consecutive_failures") + 1,
        failing_since=Coalesce(F("failing_since"), now),
        updated_at=now,
    )
    _disable_if_down(delivery.endpoint_id, now, outcome)
    return retry_at


def delivery_send(*, delivery_id: int) -> str:
    """One attempt of delivery ``delivery_id`` if it is due, its endpoint
    active and no other worker has it; returns "succeeded", "retry",
    "failed" (the last attempt failed) or "skipped"."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    if delivery.attempts > MAX_ATTEMPTS:
        # Only reachable through crashed workers: each claim counts.
        outcome = sender.Outcome(
            None, "", _("Gave up after %(count)d attempts.") % {"count": MAX_ATTEMPTS}, 0
        )
        _still_ours(delivery).update(
            status=Status.FAILED, last_error=outcome.error, updated_at=timezone.now()
        )
        return "failed"
    body = delivery.payload.encode()
    outcome = sender.post(delivery.endpoint.url, body, _headers(delivery, body))
    if outcome.ok:
        _record_success(delivery, outcome)
        return "succeeded"
    logger.info("Webhook delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, outcome.error)
    retry_at = _record_failure(delivery, outcome)
    metrics.count(metrics.WEBHOOK_DELIVERIES_FAILED.labels(final=str(retry_at is None).lower()))
    if retry_at is None:
        return "failed"
    delivery_enqueue(delivery.pk, run_after=retry_at)
    return "retry"


@transaction.atomic
def delivery_retry(*, delivery: Delivery) -> Delivery:
    """The owner's "Retry now": a failed delivery gets a fresh set of
    attempts, a waiting one is sent now. Raises DeliveryNotRetryable for one
    delivered or being sent, EndpointDisabled while its endpoint is off."""
    if not Endpoint.objects.filter(pk=delivery.endpoint_id, is_active=True).exists():
        raise EndpointDisabled()
    now = timezone.now()
    retryable = Delivery.objects.filter(pk=delivery.pk)
    updated = retryable.filter(status=Status.FAILED).update(
        status=Status.READY, attempts=0, next_attempt_at=now, updated_at=now
    ) or retryable.filter(status=Status.READY).update(next_attempt_at=now, updated_at=now)
    if not updated:
        raise DeliveryNotRetryable()
    transaction.on_commit(lambda: delivery_enqueue(delivery.pk), robust=True)
    delivery.refresh_from_db()
    return delivery


def deliveries_sweep() -> int:
    """Enqueue the deliveries whose task was lost or is late: rows due for a
    while that nobody claimed (a task lost between commit and enqueue, a
    retry on a backend without delayed tasks) and rows whose worker's lease
    ran out (it crashed), of active endpoints. Each is pushed to now, so it
    is enqueued again at most once per SWEEP_GRACE. Returns how many."""
    now = timezone.now()
    stuck = Delivery.objects.filter(
        status__in=[Status.READY, Status.SENDING],
        next_attempt_at__lte=now - SWEEP_GRACE,
        endpoint__is_active=True,
    )
    ids = list(stuck.order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    if ids:
        Delivery.objects.filter(pk__in=ids, next_attempt_at__lte=now - SWEEP_GRACE).update(
            next_attempt_at=now, updated_at=now
        )
        _enqueue_all(ids)
    return len(ids)


def deliveries_prune() -> int:
    """Delete up to PRUNE_BATCH deliveries older than RETENTION (not one
    being sent); returns how many."""
    old = Delivery.objects.filter(created_at__lt=timezone.now() - RETENTION).exclude(status=Status.SENDING)
    ids = list(old.order_by("created_at").values_list("pk", flat=True)[:PRUNE_BATCH])
    if ids:
        Delivery.objects.filter(pk__in=ids).delete()
    return len(ids)
