"""The outbox: queue an email, deliver it, retry it, sweep up lost ones.

Queueing happens inside the caller's transaction (the order's placement or
status change): the outbox row and its "email queued" event commit or roll
back with it, and delivery is enqueued only once it has committed.

Delivery (``outbox_deliver``) is deliberately *not* one transaction: an SMTP
conversation must not hold a database transaction open. A delivery task
claims its row and up to ``DELIVERY_BATCH`` - 1 other due rows with one
conditional UPDATE (so two workers never send the same row), then sends them
one by one over one SMTP connection, recording each outcome as soon as the
server answered. One email refused, or a connection dropped, fails or
retries that email alone: the connection is opened again for the next one.
A worker that dies between the SMTP server's "250 OK" and that record leaves
the row claimed; when its lease runs out the sweep hands it to another
worker, which sends it again: the one case where an email can arrive twice
(at-least-once; see docs/emails.md). The resent copy carries the same
Message-ID.
"""

import contextlib
import dataclasses
import json
import logging
import secrets
import smtplib
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import SafeMIMEMultipart
from django.db import connections, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lojista.core import metrics
from lojista.core.queueing import enqueue_later
from lojista.customers.models import User
from lojista.notifications import kinds
from lojista.notifications.context import email_context, sender_address
from lojista.notifications.errors import OutboxMessageNotFailed
from lojista.notifications.headers import one_line, recipient_address
from lojista.notifications.kinds import EmailRef
from lojista.notifications.models import NotificationSettings, OutboxMessage
from lojista.notifications.rendering import Overrides, RenderedEmail, overrides_of, render_email
from lojista.orders.models import Order, OrderEvent

logger = logging.getLogger(__name__)

Status = OutboxMessage.Status

# How long a worker may hold a claimed row before it is presumed dead.
LEASE = timedelta(minutes=10)
# A due row nobody picked up for this long lost its task: the sweep enqueues it again.
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 1000
MAX_RETRY_DELAY = timedelta(hours=6)
# Without EMAIL_TIMEOUT, a silent SMTP server would hold a worker past its lease.
SMTP_TIMEOUT_SECONDS = 60
# How many due emails one delivery task sends over one SMTP connection.
DELIVERY_BATCH = 50
# A batch stops sending after this long (a server answering slowly, timeouts)
# and hands its unsent rows back, well before their lease runs out.
BATCH_SECONDS = LEASE.total_seconds() / 2


def delivery_enqueue(message_id: int, *, also: Sequence[int] = (), run_after: datetime | None = None) -> None:
    """Have ``message_id``, and the rows ``also`` names, delivered by one task
    (call it once the rows have committed). One task for the emails one
    transaction wrote: each task costs the queue a claim and a record of its
    own, and most of a backlog's tasks find their row already sent by an
    earlier task's batch."""
    # Imported here: the task module wraps this one.
    from lojista.notifications.tasks import deliver_outbox_message

    args: tuple[Any, ...] = (message_id, list(also)) if also else (message_id,)
    # A backend without delayed tasks enqueues nothing: the sweep sends it when due.
    enqueue_later(deliver_outbox_message, *args, run_after=run_after)


def new_message_id(shop: NotificationSettings) -> str:
    """A Message-ID, chosen when the row is written so that a resend carries it too."""
    return make_msgid(domain=sender_address(shop).rpartition("@")[2] or "localhost")


def queued_event(message: OutboxMessage, *, actor: User | None = None, note: str = "") -> OrderEvent:
    """The "email queued" event of order email ``message`` (unsaved)."""
    assert message.order_id is not None
    return OrderEvent(
        order_id=message.order_id,
        type=OrderEvent.Type.EMAIL_QUEUED,
        actor=actor,
        note=note,
        data={"recipients": message.recipients, "template": message.kind, "email_id": message.pk},
    )


@transaction.atomic
def outbox_queue(
    *,
    kind: str,
    recipients: list[str],
    language: str,
    dedupe_key: str,
    ref: EmailRef | None = None,
    order: Order | None = None,
    is_test: bool = False,
    actor: User | None = None,
    note: str = "",
    shop: NotificationSettings | None = None,
) -> OutboxMessage:
    """Write email ``kind`` about ``ref`` to the outbox, in the caller's
    transaction, and have it delivered once that commits. ``order`` links an
    order email to its order (its timeline shows it). A ``dedupe_key``
    already queued returns the message queued then, and queues nothing."""
    kinds.get(kind)  # a kind nobody registered could never be rendered
    shop = shop or NotificationSettings.load()
    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "subject_type": ref.subject_type if ref else "",
            "subject_id": ref.subject_id if ref else "",
            "context": dict(ref.data) if ref else {},
            "order": order,
            "is_test": is_test,
            "recipients": recipients,
            "language": language,
            "message_id": new_message_id(shop),
        },
    )
    if not created:
        return message
    if order is not None:
        queued_event(message, actor=actor, note=note).save()
    transaction.on_commit(lambda: delivery_enqueue(message.pk), robust=True)
    return message


@transaction.atomic
def outbox_retry(*, message: OutboxMessage) -> OutboxMessage:
    """Send a failed email again, with a fresh set of attempts."""
    updated = OutboxMessage.objects.filter(pk=message.pk, status=Status.FAILED).update(
        status=Status.READY, attempts=0, next_attempt_at=timezone.now(), updated_at=timezone.now()
    )
    if not updated:
        raise OutboxMessageNotFailed()
    if message.order_id is not None:
        queued_event(message).save()
    transaction.on_commit(lambda: delivery_enqueue(message.pk), robust=True)
    message.refresh_from_db()
    return message


# Delivery.


def _claim(message_ids: Sequence[int], batch: int) -> list[OutboxMessage]:
    """Take the rows ``message_ids`` that are due, and with them due rows up
    to ``batch`` in all, oldest first, for this worker: a conditional UPDATE,
    so of two workers racing for a row, one gets it (on PostgreSQL the rows
    are locked first with SKIP LOCKED: those another worker is claiming are
    skipped, not waited for). The rows are marked with a claim of their own.
    Rows already taken (by another task's batch, most often) cost one read."""
    now = timezone.now()
    claim = uuid.uuid4().hex
    if connections[OutboxMessage.objects.db].vendor == "postgresql":
        return _claim_in_one_statement(message_ids, batch, now, claim)
    due = OutboxMessage.objects.filter(status__in=[Status.READY, Status.SENDING], next_attempt_at__lte=now)
    named = due.filter(pk__in=message_ids)
    if not named.exists():
        return []
    with transaction.atomic():
        # Only rows this transaction holds are updated: a row another worker is
        # claiming is skipped, never waited for (two waits would deadlock).
        ids = list(named.order_by("pk").select_for_update(skip_locked=True).values_list("pk", flat=True))
        if not ids:
            return []
        if batch > len(ids):
            others = due.exclude(pk__in=message_ids).order_by("next_attempt_at", "pk")
            ids += others.select_for_update(skip_locked=True).values_list("pk", flat=True)[: batch - len(ids)]
        due.filter(pk__in=ids).update(
            status=Status.SENDING,
            claim=claim,
            attempts=F("attempts") + 1,
            next_attempt_at=now + LEASE,
            updated_at=now,
        )
    return list(OutboxMessage.objects.filter(pk__in=ids, claim=claim).order_by("pk"))


def _claim_in_one_statement(
    message_ids: Sequence[int], batch: int, now: datetime, claim: str
) -> list[OutboxMessage]:
    """``_claim`` on PostgreSQL: the same locks (the named rows first, then
    the oldest others, each with SKIP LOCKED, none when no named row is
    due) and the same UPDATE, as one statement (data-modifying CTEs, atomic
    without a transaction around it), then the claimed rows are read. A
    task whose rows another batch took, most of a backlog's tasks, costs
    one short statement and none of the ORM's query building; a batch, two
    statements instead of five."""
    table = OutboxMessage._meta.db_table
    # The table name is the model's, never input.
    sql = " ".join(
        (
            f"WITH named AS (SELECT id FROM {table}",  # noqa: S608
            "WHERE id = ANY(%(ids)s) AND status IN (%(ready)s, %(sending)s) AND next_attempt_at <= %(now)s",
            "ORDER BY id FOR UPDATE SKIP LOCKED),",
            f"others AS (SELECT id FROM {table}",  # noqa: S608
            "WHERE status IN (%(ready)s, %(sending)s) AND next_attempt_at <= %(now)s",
            "AND NOT (id = ANY(%(ids)s)) AND EXISTS (SELECT 1 FROM named)",
            "ORDER BY next_attempt_at, id LIMIT GREATEST(%(batch)s - (SELECT count(*) FROM named), 0)",
            "FOR UPDATE SKIP LOCKED)",
            f"UPDATE {table} SET status = %(sending)s, claim = %(claim)s, attempts = attempts + 1,",  # noqa: S608
            "next_attempt_at = %(lease_end)s, updated_at = %(now)s",
            "WHERE id IN (SELECT id FROM named UNION ALL SELECT id FROM others) RETURNING id",
        )
    )
    params: dict[str, Any] = {
        "ids": list(message_ids),
        "ready": Status.READY,
        "sending": Status.SENDING,
        "now": now,
        "batch": batch,
        "claim": claim,
        "lease_end": now + LEASE,
    }
    with connections[OutboxMessage.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    return list(OutboxMessage.objects.filter(pk__in=ids, claim=claim).order_by("pk"))


def _subjects(messages: list[OutboxMessage]) -> dict[tuple[str, str], Any]:
    """The subjects of a batch by (type, id), fetched in one query per loader
    (kinds.EmailKind.load; the order emails share one)."""
    wanted: dict[Callable[[list[str]], Mapping[str, Any]], tuple[str, set[str]]] = {}
    for message in messages:
        # A kind no longer registered fails its own email when rendered, not the batch.
        kind = kinds.find(message.kind)
        load = kind.load if kind is not None else None
        if message.subject_type and load is not None:
            wanted.setdefault(load, (message.subject_type, set()))[1].add(message.subject_id)
    found: dict[tuple[str, str], Any] = {}
    for load, (subject_type, ids) in wanted.items():
        found.update(
            ((subject_type, subject_id), subject) for subject_id, subject in load(sorted(ids)).items()
        )
    return found


def _ref(message: OutboxMessage, subject: Any = None) -> EmailRef | None:
    """What ``message`` is rendered about: its subject and data; a test send
    shows the kind's sample data (on its subject if it names one)."""
    if not message.is_test:
        return EmailRef(message.subject_type, message.subject_id, message.context, subject)
    if not message.subject_type:
        return None
    sample_data = kinds.get(message.kind).sample_data()
    return EmailRef(message.subject_type, message.subject_id, sample_data, subject)


def _sender(shop: NotificationSettings) -> str:
    # Folded here too: a name stored before it was checked must not stop every email.
    return str(Address(display_name=one_line(shop.from_name), addr_spec=sender_address(shop)))


@dataclass(frozen=True)
class _Batch:
    """What a batch's emails share: the shop and its From address, their
    subjects and the merchant's templates."""

    shop: NotificationSettings
    sender: str
    subjects: dict[tuple[str, str], Any]
    overrides: Overrides

    @classmethod
    def of(cls, messages: list[OutboxMessage]) -> "_Batch":
        shop = NotificationSettings.load()
        return cls(
            shop=shop,
            sender=_sender(shop),
            subjects=_subjects(messages),
            overrides=overrides_of((message.kind, message.language) for message in messages),
        )


def _render(message: OutboxMessage, batch: _Batch) -> RenderedEmail:
    kind = kinds.get(message.kind)
    with translation.override(message.language):
        ref = _ref(message, batch.subjects.get((message.subject_type, message.subject_id)))
        context = email_context(kind=kind, ref=ref, shop=batch.shop)
        rendered = render_email(
            kind=kind, language=message.language, context=context, overrides=batch.overrides
        )
        if message.is_test:
            subject = _("[Test] %(subject)s") % {"subject": rendered.subject}
            rendered = RenderedEmail(subject, rendered.text, rendered.html, rendered.template_error)
        elif kind.headers is not None:
            rendered = dataclasses.replace(rendered, headers=kind.headers(context))
    return rendered


def outbox_render(message: OutboxMessage) -> RenderedEmail:
    """``message`` as its delivery would render it now (the merchant's
    template or the shipped one, a test send's marker): what staff preview.
    Raises what rendering raises, as delivery would record it."""
    return _render(message, _Batch.of([message]))


def _language_tag(language: str) -> str:
    """pt-br -> pt-BR (BCP 47, as the Content-Language header has it)."""
    base, _dash, region = language.partition("-")
    return f"{base}-{region.upper()}" if region else base


class _Email(EmailMultiAlternatives):
    """An email whose MIME boundary is 128 random bits. Left to itself, the
    email package draws a 63-bit boundary when the message is flattened and
    compiles a regular expression, new for each message, to check that no
    line of the body holds it: a fifth of the CPU of flattening an email.
    A body cannot hold 128 random bits by chance, nor can anyone write them
    into a template or an order before they are drawn."""

    def message(self) -> SafeMIMEMultipart:
        msg = super().message()
        msg.set_boundary(f"=_{secrets.token_hex(16)}")
        return msg


def _email(message: OutboxMessage, rendered: RenderedEmail, batch: _Batch) -> EmailMultiAlternatives:
    email = _Email(
        subject=rendered.subject,
        body=rendered.text,
        from_email=batch.sender,
        to=[recipient_address(address) for address in message.recipients],
        headers={
            **{name: one_line(value) for name, value in rendered.headers.items()},
            "Message-ID": message.message_id,
            "Content-Language": _language_tag(message.language),
        },
    )
    email.attach_alternative(rendered.html, "text/html")
    return email


def _connection() -> BaseEmailBackend:
    timeout = settings.EMAIL_TIMEOUT or SMTP_TIMEOUT_SECONDS
    return get_connection(fail_silently=False, timeout=timeout)


def _close(connection: BaseEmailBackend) -> None:
    # A connection that broke may fail to say goodbye: it is dropped all the same.
    with contextlib.suppress(OSError):
        connection.close()


def _send(connection: BaseEmailBackend, email: EmailMultiAlternatives) -> None:
    """Send ``email`` on ``connection``, opened first if it is not (the
    batch's first email, or the one after a failure). Opened here, the
    backend keeps it open after the email, for the next one."""
    try:
        connection.open()
        connection.send_messages([email])
    except Exception:
        # In whatever state the error left it, the next email starts afresh.
        _close(connection)
        raise


def _permanent(error: Exception) -> bool:
    """The server refused this email for good (5xx on its recipients or its
    content): trying again would get the same answer. A 5xx on connecting or
    logging in is the shop's problem, not the email's, so it is retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def _transient(error: Exception) -> bool:
    # smtplib's errors are OSErrors, as are refused connections and timeouts.
    return isinstance(error, OSError) and not _permanent(error)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _still_ours(message: OutboxMessage) -> QuerySet[OutboxMessage]:
    """The row as this worker claimed it: a worker whose lease ran out finds
    it taken over and records nothing."""
    return OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING, claim=message.claim)


def _order_event(message: OutboxMessage, event_type: str, **data: Any) -> None:
    if message.order_id is not None:
        OrderEvent.objects.create(
            order_id=message.order_id,
            type=event_type,
            data={"recipients": message.recipients, "template": message.kind, "email_id": message.pk, **data},
        )


def _record_sent(message: OutboxMessage, rendered: RenderedEmail) -> None:
    """Mark ``message`` sent, with its "email sent" event, as soon as the
    server accepted it (one email per dying worker can be sent twice, never
    a batch: docs/emails.md)."""
    now = timezone.now()
    subject = rendered.subject
    changes: dict[str, Any] = {
        "status": Status.SENT,
        "sent_at": now,
        "subject": subject[:500],
        "updated_at": now,
    }
    event: dict[str, Any] = {"subject": subject, "message_id": message.message_id}
    if rendered.template_error:
        # Sent, with the shipped template: the shop is told why its own was not used.
        changes["last_error"] = _(
            "The shop's template could not be used; the shipped one was sent. %(error)s"
        ) % {"error": rendered.template_error}
        event["template_error"] = rendered.template_error
    if message.order_id is None:
        # No timeline to write to: the UPDATE alone.
        recorded = bool(_still_ours(message).update(**changes))
    elif connections[OutboxMessage.objects.db].vendor == "postgresql":
        recorded = _record_sent_with_event(message, changes, event, now)
    else:
        with transaction.atomic():
            recorded = bool(_still_ours(message).update(**changes))
            if recorded:
                _order_event(message, OrderEvent.Type.EMAIL_SENT, **event)
    if recorded:
        metrics.count(metrics.EMAILS_SENT)


def _record_sent_with_event(
    message: OutboxMessage, changes: dict[str, Any], event: dict[str, Any], now: datetime
) -> bool:
    """``_record_sent`` of an order email on PostgreSQL: the row's UPDATE and its event's
    INSERT in one statement (a data-modifying CTE), atomic without a
    transaction around it: one round trip per email instead of four, and
    no ORM query to build (the hot path of a backlog). Whether the row was
    still this worker's."""
    outbox_table = OutboxMessage._meta.db_table
    event_table = OrderEvent._meta.db_table
    assignments = ", ".join(f"{column} = %s" for column in changes)
    data = {"recipients": message.recipients, "template": message.kind, "email_id": message.pk, **event}
    # Table and column names are ours (the models' and ``changes``' keys), never input.
    sql = " ".join(
        (
            f"WITH sent AS (UPDATE {outbox_table} SET {assignments}",  # noqa: S608
            "WHERE id = %s AND status = %s AND claim = %s RETURNING order_id),",
            f"event AS (INSERT INTO {event_table}",
            "(order_id, type, from_status, to_status, actor_id, note, data, created_at)",
            "SELECT order_id, %s, '', '', NULL, '', %s::jsonb, %s FROM sent)",
            "SELECT count(*) FROM sent",
        )
    )
    params = [
        *changes.values(),
        message.pk,
        Status.SENDING,
        message.claim,
        OrderEvent.Type.EMAIL_SENT,
        json.dumps(data),
        now,
    ]
    with connections[OutboxMessage.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        (count,) = cursor.fetchone()
    return bool(count)


@transaction.atomic
def _record_failure(message: OutboxMessage, error: str, subject: str = "") -> None:
    now = timezone.now()
    if _still_ours(message).update(
        status=Status.FAILED, last_error=error, subject=subject[:500], updated_at=now
    ):
        _order_event(message, OrderEvent.Type.EMAIL_FAILED, error=error, attempts=message.attempts)
        metrics.count(metrics.EMAILS_FAILED)


def retry_delay(attempts: int) -> timedelta:
    """LOJISTA_EMAIL_RETRY_SECONDS after the first attempt, doubling after each."""
    seconds = settings.LOJISTA_EMAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), MAX_RETRY_DELAY)


def _retry_later(message: OutboxMessage, error: str) -> None:
    when = timezone.now() + retry_delay(message.attempts)
    if _still_ours(message).update(
        status=Status.READY, next_attempt_at=when, last_error=error, updated_at=timezone.now()
    ):
        delivery_enqueue(message.pk, run_after=when)


def _hand_back(messages: list[OutboxMessage]) -> None:
    """Rows a batch claimed but had no time to send: due again now, the
    attempt it counted not spent."""
    now = timezone.now()
    for message in messages:
        if _still_ours(message).update(
            status=Status.READY, attempts=F("attempts") - 1, next_attempt_at=now, updated_at=now
        ):
            delivery_enqueue(message.pk)


def _deliver(message: OutboxMessage, batch: _Batch, connection: BaseEmailBackend) -> str:
    max_attempts = settings.LOJISTA_EMAIL_MAX_ATTEMPTS
    if message.attempts > max_attempts:
        # Only reachable through crashed workers: each claim counts.
        _record_failure(message, _("Gave up after %(count)d attempts.") % {"count": max_attempts})
        return "failed"
    try:
        rendered = _render(message, batch)
        email = _email(message, rendered, batch)
    except Exception as error:
        # The shipped templates failed (a bug, which retrying will not fix),
        # or a header value cannot be sent: this email fails, the others go on.
        logger.exception("Email %s could not be rendered.", message.pk)
        _record_failure(message, _describe(error))
        return "failed"
    try:
        _send(connection, email)
    except Exception as error:
        if _transient(error) and message.attempts < max_attempts:
            logger.warning(
                "Email %s not sent (attempt %s), will retry: %s", message.pk, message.attempts, error
            )
            _retry_later(message, _describe(error))
            return "retry"
        logger.warning("Email %s failed: %s", message.pk, error)
        _record_failure(message, _describe(error), rendered.subject)
        return "failed"
    _record_sent(message, rendered)
    return "sent"


def outbox_deliver(*, message_id: int, batch: int = 1, also: Sequence[int] = ()) -> str:
    """Send outbox email ``message_id`` and those ``also`` names, the ones
    that are due and no other worker has, and with them other due emails up
    to ``batch`` in all, over one SMTP connection; return what happened to
    ``message_id``: "sent", "retry", "failed" or "skipped" (not due, or
    another worker's)."""
    messages = _claim([message_id, *also], batch)
    if not messages:
        return "skipped"
    batch_data = _Batch.of(messages)
    connection = _connection()
    deadline = time.monotonic() + BATCH_SECONDS
    outcomes: dict[int, str] = {}
    try:
        for index, message in enumerate(messages):
            if time.monotonic() > deadline:
                _hand_back(messages[index:])
                break
            outcomes[message.pk] = _deliver(message, batch_data, connection)
    finally:
        _close(connection)
    return outcomes.get(message_id, "skipped")


def outbox_sweep() -> int:
    """Enqueue the emails whose delivery task was lost: rows due for a while
    that nobody claimed (a task lost between commit and enqueue, a backend
    without delayed tasks) and rows whose worker's lease ran out (it crashed).
    Each row is pushed back to now, so it is enqueued again at most once per
    SWEEP_GRACE. Returns how many were enqueued."""
    now = timezone.now()
    stuck = OutboxMessage.objects.filter(
        status__in=[Status.READY, Status.SENDING], next_attempt_at__lte=now - SWEEP_GRACE
    )
    ids = list(stuck.order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    OutboxMessage.objects.filter(pk__in=ids, next_attempt_at__lte=now - SWEEP_GRACE).update(
        next_attempt_at=now, updated_at=now
    )
    for message_id in ids:
        delivery_enqueue(message_id)
    return len(ids)
