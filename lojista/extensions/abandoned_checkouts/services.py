"""Writes of the Abandoned checkouts extension (docs/abandoned-checkouts.md).

Interface (used by the pages helper; keep these names and signatures):

- ``recovery_settings_update(*, delay_minutes, auto_send, schedule_minutes,
  link_ttl_days, retention_days) -> RecoverySettings`` (InvalidInput naming
  each field, nothing changed);
- ``abandoned_watch(*, checkout)``: the ``checkout_started`` receiver's work;
- ``abandoned_checkouts_sweep(*, now=None) -> SweepResult``: detection,
  automatic reminders, expiry and the retention purge (the periodic task and
  ``manage.py abandoned_checkouts_sweep``);
- ``abandoned_remind(*, abandoned, actor, message="") -> Reminder``: a
  reminder sent by hand (ReminderNotAllowed, InvalidInput for the message);
- ``recovery_link_open(*, token, customer=None) -> RecoveryOpened``
  (RecoveryLinkInvalid);
- ``unsubscribe(*, token) -> str`` and ``resubscribe(*, token) -> str``
  (UnsubscribeLinkInvalid);
- ``order_attribute(*, order, events)``: the ``order_placed`` receiver's work.

The rules, in one place:

- **Abandoned**: a watched checkout (a row per cart, the latest checkout's)
  still not completed ``delay_minutes`` after it started. Its stock hold is
  released if the checkout is still open (an outdated one holds nothing).
  A checkout in the middle of a payment attempt is looked at again when the
  attempt's lease ends.
- **One sequence per email**: when a row becomes abandoned with ``auto_send``
  on, the other rows of that email stop their sequence (``next_reminder_at``
  null); of several abandoned in one sweep, the latest started keeps it.
- **Never sent** (automatic or by hand): to an email or account that placed
  an order since the checkout started, to an unsubscribed email, for a cart
  whose items are all out of stock now (an automatic step is then skipped,
  the next one may go), twice for one step (unique constraint, rows locked
  with SKIP LOCKED), while ``auto_send`` is off or the extension uninstalled
  (checked before each automatic send).
- **Expired**: reminded (or clicked) rows with no step left whose link ran
  out (``link_expires_at``); rows never reminded stay abandoned (a reminder
  can still be sent by hand) until the retention purge.
- **Recovered**: an order placed after a reminder and before the link
  expired, from the restored or the original cart, or by the same email
  (case-insensitive) or account. An order without that (no reminder yet, or
  too late) closes the row as ORDERED.
- **Purged**: rows that started more than ``retention_days`` ago lose their
  personal data (email, name, customer, links to the checkout and carts,
  staff's messages); open ones become expired.
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from lojista.carts.errors import AboveMaxPerOrder, CartClosed
from lojista.carts.models import Cart
from lojista.carts.services import cart_create, cart_for_customer, cart_line_add, cart_line_set_quantity
from lojista.catalog.models import Variant
from lojista.checkout.models import Checkout
from lojista.core.errors import InvalidInput
from lojista.core.extensions import extension_installed
from lojista.customers.models import User
from lojista.extensions.abandoned_checkouts import errors
from lojista.extensions.abandoned_checkouts.apps import SLUG
from lojista.extensions.abandoned_checkouts.emails import SUBJECT_TYPE, kind_for_step
from lojista.extensions.abandoned_checkouts.errors import (
    RecoveryLinkInvalid,
    ReminderNotAllowed,
    UnsubscribeLinkInvalid,
)
from lojista.extensions.abandoned_checkouts.links import email_key, recovery_token_id, unsubscribe_token_email
from lojista.extensions.abandoned_checkouts.models import (
    AbandonedCheckout,
    RecoverySettings,
    Reminder,
    Unsubscribe,
)
from lojista.inventory.errors import VariantNotFound
from lojista.inventory.selectors import available_quantity, with_availability
from lojista.inventory.services import stock_release_keys
from lojista.notifications.kinds import EmailRef
from lojista.notifications.models import NotificationSettings
from lojista.notifications.services import outbox_queue
from lojista.orders.models import Order, OrderEvent

Status = AbandonedCheckout.Status

# Settings' bounds (recovery_settings_update).
MAX_DELAY_MINUTES = 30 * 24 * 60
MAX_STEPS = 3
MAX_STEP_MINUTES = 60 * 24 * 60
MIN_LINK_TTL_DAYS, MAX_LINK_TTL_DAYS = 1, 90
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 1, 3650

# A staff member's message in a reminder sent by hand.
MESSAGE_MAX_LENGTH = 1000
# A second reminder by hand this soon after the last one is refused (too_soon).
MANUAL_GAP = timedelta(minutes=10)
# Rows one transaction of the sweep takes (and locks) at a time: a few
# statements per batch, whatever its size (bench/data.py: 10,000 checkouts
# due among 1,000,000 decided in one sweep).
SWEEP_BATCH = 500
# A sweep stops after this many batches of a phase; the next one goes on.
MAX_BATCHES = 50

# Rows whose sequence may still send, by hand or automatically.
REMINDABLE = (Status.ABANDONED, Status.REMINDED, Status.CLICKED)
# Rows an order may close (attribution).
OPEN_STATUSES = (Status.WATCHING, Status.ABANDONED, Status.REMINDED, Status.CLICKED, Status.UNSUBSCRIBED)


def email_digest(email: str) -> str:
    """What the Unsubscribe table keeps of an address: a keyed hash (the
    SECRET_KEY), 64 hex characters, so the list is not a list of emails."""
    return salted_hmac(
        "lojista.abandoned_checkouts.unsubscribe", email_key(email), algorithm="sha256"
    ).hexdigest()


# Settings.


def _whole_number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _range_problem(value: Any, low: int, high: int) -> str | None:
    number = _whole_number(value)
    if number is None or not low <= number <= high:
        return _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
    return None


def _schedule_problem(schedule: Any) -> str | None:
    if not isinstance(schedule, list | tuple) or not 1 <= len(schedule) <= MAX_STEPS:
        return _("Give one to %(count)d steps, in minutes after abandonment.") % {"count": MAX_STEPS}
    for step in schedule:
        if problem := _range_problem(step, 0, MAX_STEP_MINUTES):
            return problem
    if any(later <= earlier for earlier, later in itertools.pairwise(schedule)):
        return _("Each step must come later than the one before.")
    return None


@transaction.atomic
def recovery_settings_update(
    *,
    delay_minutes: int,
    auto_send: bool,
    schedule_minutes: list[int],
    link_ttl_days: int,
    retention_days: int,
) -> RecoverySettings:
    """Replace the owner's settings. Zero minutes are allowed (demos and
    tests: abandoned at the next sweep, the first reminder with it). Raises
    InvalidInput naming every field at fault; then nothing is changed.
    Turning ``auto_send`` off stops the automatic sends at once; turning it
    on resumes the sequences it stopped (rows abandoned meanwhile have none)."""
    problems: dict[str, list[str]] = {}
    checks = {
        "delay_minutes": _range_problem(delay_minutes, 0, MAX_DELAY_MINUTES),
        "schedule_minutes": _schedule_problem(schedule_minutes),
        "link_ttl_days": _range_problem(link_ttl_days, MIN_LINK_TTL_DAYS, MAX_LINK_TTL_DAYS),
        "retention_days": _range_problem(retention_days, MIN_RETENTION_DAYS, MAX_RETENTION_DAYS),
        "auto_send": None if isinstance(auto_send, bool) else _("Enter true or false."),
    }
    problems = {field: [problem] for field, problem in checks.items() if problem}
    if problems:
        raise InvalidInput(details={"fields": problems})
    row = RecoverySettings.load()
    row.delay_minutes = delay_minutes
    row.auto_send = auto_send
    row.schedule_minutes = list(schedule_minutes)
    row.link_ttl_days = link_ttl_days
    row.retention_days = retention_days
    row.save()
    return row


# Watching.


def _items(checkout: Checkout) -> list[dict[str, Any]]:
    return [
        {
            "variant_id": line.variant_id,
            "product_name": line.product_name,
            "variant_name": line.variant_name,
            "sku": line.sku,
            "unit_price": str(line.unit_price),
            "quantity": line.quantity,
        }
        for line in checkout.lines.order_by("pk")
    ]


@transaction.atomic(savepoint=False)
def abandoned_watch(*, checkout: Checkout) -> None:
    """Watch ``checkout`` (just started, in its transaction): its row, due
    ``delay_minutes`` from now, replaces the watched row of an earlier
    checkout of the same cart. A checkout without an email or items is not
    watched."""
    items = _items(checkout)
    if not checkout.email or not items:
        return
    now = timezone.now()
    delay = RecoverySettings.load().delay_minutes
    fields = {
        "checkout": checkout,
        "customer_id": checkout.customer_id,
        "email": checkout.email,
        "email_key": email_key(checkout.email),
        "name": str((checkout.shipping_address or {}).get("name") or "")[:200],
        "language": checkout.language,
        "items": items,
        "item_count": sum(item["quantity"] for item in items),
        "currency": checkout.currency,
        "cart_value": checkout.subtotal,
        "started_at": now,
        "due_at": now + timedelta(minutes=delay),
        "updated_at": now,
    }
    # The cart's watched row (an earlier checkout of it) now watches this one:
    # one UPDATE, and an INSERT when there was none.
    if checkout.cart_id is not None:
        watched = AbandonedCheckout.objects.filter(cart_id=checkout.cart_id, status=Status.WATCHING)
        if watched.update(**fields):
            return
    AbandonedCheckout.objects.create(cart_id=checkout.cart_id, **fields)


# The sweep.


@dataclass
class SweepResult:
    """What one sweep did (``manage.py abandoned_checkouts_sweep`` prints it)."""

    # Watched checkouts completed in time: their rows went.
    completed: int = 0
    abandoned: int = 0
    holds_released: int = 0
    reminders_sent: int = 0
    # Automatic steps not sent (all items out of stock) or sequences stopped
    # (ordered, unsubscribed).
    reminders_skipped: int = 0
    expired: int = 0
    purged: int = 0

    def __str__(self) -> str:
        return ", ".join(
            f"{field.name.replace('_', ' ')}: {getattr(self, field.name)}" for field in fields(self)
        )


def _locked(rows: Any) -> Any:
    """``rows`` locked for this transaction, skipping those another worker
    holds (PostgreSQL; SQLite's IMMEDIATE transactions run one at a time)."""
    if connection.features.has_select_for_update_skip_locked:
        return rows.select_for_update(skip_locked=True, of=("self",))
    return rows


def abandoned_checkouts_sweep(*, now: datetime | None = None) -> SweepResult:
    """One sweep: decide the watched checkouts that are due, send the due
    automatic reminders, expire the rows whose link ran out, purge the old
    ones. Each phase reads only the rows due, through a partial index, in
    batches of SWEEP_BATCH rows locked with SKIP LOCKED, so two sweeps at
    once share the work and never send one reminder twice."""
    now = now or timezone.now()
    result = SweepResult()
    options = RecoverySettings.load()
    after = None
    for _batch in range(MAX_BATCHES):
        after = _detect_batch(now, options, result, after=after)
        if after is None:
            break
    for _batch in range(MAX_BATCHES):
        if not _remind_batch(now, result):
            break
    result.expired = _expire(now)
    result.purged = _purge(now, options)
    return result


def _step_time(
    abandoned_at: datetime | None, step: int, schedule: list[int], now: datetime
) -> datetime | None:
    """When step ``step`` of a row abandoned at ``abandoned_at`` is due:
    ``schedule[step]`` minutes after abandonment, but never sooner after the
    previous step than the schedule says (a sweep that ran late does not
    send two steps back to back)."""
    if step >= len(schedule) or abandoned_at is None:
        return None
    gap = schedule[step] - schedule[step - 1] if step > 0 else 0
    return max(abandoned_at + timedelta(minutes=schedule[step]), now + timedelta(minutes=gap))


@dataclass(slots=True)
class _Due:
    """A due watched row as the detection reads and decides it: plain values
    (DETECT_COLUMNS), not model instances, two per row with the checkout,
    whose building was a fifth of a sweep's CPU."""

    pk: int
    email: str
    email_key: str
    started_at: datetime
    customer_id: int | None
    due_at: datetime
    checkout_id: UUID | None
    checkout_status: str | None
    cart_id: int | None
    payment_attempt_key: str | None
    payment_attempt_until: datetime | None
    # What the detection decides.
    status: str = Status.WATCHING
    abandoned_at: datetime | None = None
    next_step: int = 0
    next_reminder_at: datetime | None = None

    def payment_in_progress(self, now: datetime) -> bool:
        until = self.payment_attempt_until
        return bool(self.payment_attempt_key) and until is not None and until > now

    @property
    def reservation_key(self) -> str:
        """The checkout's stock holds' key (Checkout.reservation_key)."""
        return f"cart:{self.cart_id}" if self.cart_id else f"checkout:{self.checkout_id}"


# What the detection reads (_Due's fields, in order): not the items nor the reminders' columns.
DETECT_COLUMNS = (
    "pk",
    "email",
    "email_key",
    "started_at",
    "customer_id",
    "due_at",
    "checkout_id",
    "checkout__status",
    "checkout__cart_id",
    "checkout__payment_attempt_key",
    "checkout__payment_attempt_until",
)


@transaction.atomic
def _detect_batch(
    now: datetime, options: RecoverySettings, result: SweepResult, *, after: tuple[datetime, int] | None
) -> tuple[datetime, int] | None:
    """Decide the next SWEEP_BATCH due rows after ``after`` (the last
    batch's last (due_at, pk): the index is read from there on, not past
    the entries of the rows this sweep already decided, which stay in it
    until a vacuum). Returns this batch's last position, None when no row
    was due."""
    due = AbandonedCheckout.objects.filter(status=Status.WATCHING, due_at__lte=now)
    if after is not None:
        # due_at >= as well: the bound the index reads from.
        due = due.filter(Q(due_at__gt=after[0]) | Q(pk__gt=after[1]), due_at__gte=after[0])
    ordered = _locked(due).order_by("due_at", "pk").values_list(*DETECT_COLUMNS)
    rows = [_Due(*values) for values in ordered[:SWEEP_BATCH]]
    if not rows:
        return None
    position = (rows[-1].due_at, rows[-1].pk)
    # Each address's digest computed once (an HMAC each), for the query and the loop.
    digests = {row.pk: email_digest(row.email) for row in rows}
    unsubscribed = _unsubscribed(set(digests.values()))
    completed, changed, sequences, released = [], [], [], []
    for row in rows:
        if row.checkout_id is None or row.checkout_status == Checkout.Status.COMPLETED:
            completed.append(row.pk)
            continue
        if row.payment_in_progress(now):
            assert row.payment_attempt_until is not None
            row.due_at = row.payment_attempt_until
            changed.append(row)
            continue
        row.abandoned_at = now
        row.next_step = 0
        if digests[row.pk] in unsubscribed:
            row.status = Status.UNSUBSCRIBED
        else:
            row.status = Status.ABANDONED
            if options.auto_send:
                row.next_reminder_at = _step_time(row.abandoned_at, 0, options.schedule_minutes, now)
                sequences.append(row)
        if row.checkout_status == Checkout.Status.OPEN:
            released.append(row.reservation_key)
        result.abandoned += 1
        changed.append(row)
    # The abandoned checkouts' stock holds, in two queries for the batch.
    result.holds_released += len(stock_release_keys(keys=released))
    if completed:
        AbandonedCheckout.objects.filter(pk__in=completed).delete()
        result.completed += len(completed)
    _one_sequence_per_email(sequences)
    _save_decided(changed, now)
    return position


def _save_decided(rows: list[_Due], now: datetime) -> None:
    """Write what the detection decided: one UPDATE per distinct outcome
    (the abandoned rows of a batch share one: abandoned now, first step at
    the same time; a payment in progress postpones its row to its own
    time), not bulk_update's CASE per row and field, whose building alone
    took seconds for a few thousand rows."""
    outcomes: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for row in rows:
        if row.status == Status.WATCHING:  # postponed
            outcomes[("due_at", row.due_at)].append(row.pk)
        else:
            outcomes[(row.status, row.abandoned_at, row.next_step, row.next_reminder_at)].append(row.pk)
    for outcome, pks in outcomes.items():
        if outcome[0] == "due_at":
            changes = {"due_at": outcome[1]}
        else:
            changes = dict(
                zip(("status", "abandoned_at", "next_step", "next_reminder_at"), outcome, strict=True)
            )
        AbandonedCheckout.objects.filter(pk__in=pks).update(**changes, updated_at=now)


def _one_sequence_per_email(rows: list[_Due]) -> None:
    """Of the rows starting a sequence, the latest started of each email
    keeps it; every other row of those emails stops its own."""
    latest: dict[str, _Due] = {}
    for row in sorted(rows, key=lambda row: (row.started_at, row.pk)):
        if row.email_key in latest:
            latest[row.email_key].next_reminder_at = None
        latest[row.email_key] = row
    if latest:
        AbandonedCheckout.objects.filter(email_key__in=list(latest), next_reminder_at__isnull=False).exclude(
            pk__in=[row.pk for row in latest.values()]
        ).update(next_reminder_at=None, updated_at=timezone.now())


def _auto_sending() -> RecoverySettings | None:
    """Checked before each automatic send: the extension installed and the
    owner's ``auto_send`` on (fresh reads: a change that commits stops the
    very next send). The settings then, else None."""
    if not extension_installed(SLUG):
        return None
    options = RecoverySettings.load()
    return options if options.auto_send else None


@transaction.atomic
def _remind_batch(now: datetime, result: SweepResult) -> bool:
    due = AbandonedCheckout.objects.filter(next_reminder_at__lte=now)
    rows = list(_locked(due).order_by("next_reminder_at", "pk")[:SWEEP_BATCH])
    if not rows:
        return False
    refusals = _refusals(rows)
    shop = NotificationSettings.load()
    for row in rows:
        options = _auto_sending()
        if options is None:
            # Off (or uninstalled): the rows stay due, for when it is on again.
            return False
        reason = refusals.get(row.pk)
        step = row.next_step
        if row.status not in REMINDABLE or row.purged_at is not None:
            row.next_reminder_at = None
        elif reason == errors.ORDERED:
            row.status, row.next_reminder_at = Status.ORDERED, None
            result.reminders_skipped += 1
        elif reason == errors.UNSUBSCRIBED:
            row.status, row.next_reminder_at = Status.UNSUBSCRIBED, None
            result.reminders_skipped += 1
        else:
            if reason == errors.OUT_OF_STOCK:
                result.reminders_skipped += 1
            elif (
                _send(row, step=step, actor=None, message="", now=now, options=options, shop=shop) is not None
            ):
                result.reminders_sent += 1
            row.next_step = step + 1
            row.next_reminder_at = _step_time(row.abandoned_at, step + 1, options.schedule_minutes, now)
        row.save()
    return True


def _unsubscribed(digests: set[str]) -> set[str]:
    """Those of the address digests ``digests`` that asked for no more."""
    return set(Unsubscribe.objects.filter(email_digest__in=digests).values_list("email_digest", flat=True))


def _unsubscribed_digests(rows: list[AbandonedCheckout]) -> set[str]:
    """The digests of ``rows``' addresses that asked for no more."""
    return _unsubscribed({email_digest(row.email) for row in rows if row.email})


def _ordered_since(rows: list[AbandonedCheckout]) -> set[int]:
    """The rows whose email (case-insensitive) or account placed an order
    since the checkout started: one query on the orders of that period (the
    order_placed receiver closes them as they come; this catches orders
    placed while the extension was uninstalled)."""
    keys = {row.email_key for row in rows if row.email_key}
    customers = {row.customer_id for row in rows if row.customer_id}
    if not rows or not (keys or customers):
        return set()
    since = min(row.started_at for row in rows)
    orders = (
        Order.objects.filter(created_at__gte=since)
        .annotate(email_lower=Lower("email"))
        .filter(Q(email_lower__in=keys) | Q(customer_id__in=customers))
        .values_list("email_lower", "customer_id", "created_at")
    )
    ordered = set()
    for order_email, customer_id, created_at in orders:
        for row in rows:
            same = (row.email_key and row.email_key == order_email) or (
                row.customer_id is not None and row.customer_id == customer_id
            )
            if same and created_at >= row.started_at:
                ordered.add(row.pk)
    return ordered


def _in_stock_variants(rows: list[AbandonedCheckout]) -> set[int]:
    """The variants of ``rows``' items that can be bought now (published,
    and untracked or with units available): one query."""
    ids = {item.get("variant_id") for row in rows for item in row.items if item.get("variant_id")}
    variants = with_availability(
        Variant.objects.filter(pk__in=ids, is_published=True, product__is_published=True)
    )
    in_stock = set()
    for variant in variants:
        available = available_quantity(variant)
        if available is None or available > 0:
            in_stock.add(variant.pk)
    return in_stock


def _refusals(rows: list[AbandonedCheckout]) -> dict[int, str]:
    """Why each row must not be reminded now (ordered, unsubscribed,
    out_of_stock), for a batch in three queries."""
    unsubscribed = _unsubscribed_digests(rows)
    ordered = _ordered_since(rows)
    in_stock = _in_stock_variants(rows)
    refusals = {}
    for row in rows:
        if row.pk in ordered:
            refusals[row.pk] = errors.ORDERED
        elif row.email and email_digest(row.email) in unsubscribed:
            refusals[row.pk] = errors.UNSUBSCRIBED
        elif not any(item.get("variant_id") in in_stock for item in row.items):
            refusals[row.pk] = errors.OUT_OF_STOCK
    return refusals


def _send(
    row: AbandonedCheckout,
    *,
    step: int | None,
    actor: User | None,
    message: str,
    now: datetime,
    options: RecoverySettings,
    shop: NotificationSettings | None = None,
) -> Reminder | None:
    """Queue reminder ``step`` (None: by hand) of ``row`` in the outbox and
    record it; the caller saves ``row``. None when that step was sent
    already (the unique constraint: another sweep got there first)."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                abandoned=row, step=step, sent_by=actor, message=message, created_at=now
            )
    except IntegrityError:
        return None
    dedupe = f"abandoned_checkout:{row.pk}:" + (
        f"step:{step}" if step is not None else f"manual:{reminder.pk}"
    )
    outbox_queue(
        kind=kind_for_step(step),
        recipients=[row.email],
        language=row.language or settings.LANGUAGE_CODE,
        dedupe_key=dedupe,
        ref=EmailRef(SUBJECT_TYPE, str(row.pk), {"message": message} if message else {}),
        shop=shop,
    )
    row.reminders_sent += 1
    row.last_reminded_at = now
    row.first_reminded_at = row.first_reminded_at or now
    row.link_expires_at = now + timedelta(days=options.link_ttl_days)
    if row.status in (Status.ABANDONED, Status.EXPIRED):
        row.status = Status.REMINDED
    return reminder


def _expire(now: datetime) -> int:
    """Reminded or clicked rows with no step left whose link ran out."""
    return AbandonedCheckout.objects.filter(
        status__in=[Status.REMINDED, Status.CLICKED], link_expires_at__lte=now, next_reminder_at__isnull=True
    ).update(status=Status.EXPIRED, updated_at=now)


def _purge(now: datetime, options: RecoverySettings) -> int:
    """Blank the personal data of rows that started more than
    ``retention_days`` ago (watched rows are decided first)."""
    cutoff = now - timedelta(days=options.retention_days)
    old = AbandonedCheckout.objects.filter(purged_at__isnull=True, started_at__lt=cutoff).exclude(
        status=Status.WATCHING
    )
    purged = 0
    for _batch in range(MAX_BATCHES):
        with transaction.atomic():
            ids = list(old.order_by("started_at").values_list("pk", flat=True)[: SWEEP_BATCH * 10])
            if not ids:
                break
            purged += AbandonedCheckout.objects.filter(pk__in=ids, purged_at__isnull=True).update(
                email="",
                email_key="",
                name="",
                customer=None,
                checkout=None,
                cart=None,
                restored_cart=None,
                next_reminder_at=None,
                purged_at=now,
                updated_at=now,
                status=Case(When(status__in=REMINDABLE, then=Value(Status.EXPIRED)), default="status"),
            )
            Reminder.objects.filter(abandoned_id__in=ids).exclude(message="").update(message="")
    return purged


# By hand.


def _clean_message(message: str) -> str:
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        problem = _("Keep the message under %(count)d characters.") % {"count": MESSAGE_MAX_LENGTH}
        raise InvalidInput.field("message", problem)
    return message


def reminder_refusal(abandoned: AbandonedCheckout, *, now: datetime | None = None) -> str | None:
    """Why a reminder cannot be sent by hand for ``abandoned`` now (a reason
    of errors.REMINDER_REFUSALS), or None: what the back office shows
    before offering the button. A few queries."""
    now = now or timezone.now()
    if abandoned.status == Status.WATCHING:
        return errors.WATCHING
    if abandoned.purged_at is not None or not abandoned.email:
        return errors.PURGED
    if abandoned.status == Status.RECOVERED:
        return errors.RECOVERED
    if abandoned.status == Status.ORDERED:
        return errors.ORDERED
    if abandoned.status == Status.UNSUBSCRIBED:
        return errors.UNSUBSCRIBED
    refusal = _refusals([abandoned]).get(abandoned.pk)
    if refusal in (errors.ORDERED, errors.UNSUBSCRIBED):
        return refusal
    if abandoned.last_reminded_at is not None and abandoned.last_reminded_at > now - MANUAL_GAP:
        return errors.TOO_SOON
    return refusal


@transaction.atomic
def abandoned_remind(*, abandoned: AbandonedCheckout, actor: User | None, message: str = "") -> Reminder:
    """Send a reminder by hand now, with staff's optional ``message`` (plain
    text, at most MESSAGE_MAX_LENGTH characters). The never-rules of the
    automatic ones hold (ReminderNotAllowed, ``details.reason``), and a
    second one within MANUAL_GAP is refused (too_soon: a double click). It
    does not change the automatic sequence; the link works another
    ``link_ttl_days`` from now."""
    message = _clean_message(message)
    now = timezone.now()
    row = AbandonedCheckout.objects.select_for_update().filter(pk=abandoned.pk).first()
    if row is None:
        raise errors.AbandonedCheckoutNotFound()
    reason = reminder_refusal(row, now=now)
    if reason is not None:
        raise ReminderNotAllowed(reason)
    reminder = _send(row, step=None, actor=actor, message=message, now=now, options=RecoverySettings.load())
    assert reminder is not None  # step None is never unique
    row.save()
    abandoned.refresh_from_db()
    return reminder


# The links.


@dataclass(frozen=True)
class RecoveryOpened:
    abandoned: AbandonedCheckout
    # The cart holding the checkout's items, as far as they are still sold:
    # a guest cart (its token for the visitor's cookie), or the logged-in
    # customer's own cart with the items added.
    cart: Cart
    # The checkout the customer left (its email and address to offer again), if still known.
    checkout_id: UUID | None


def _add_item(cart: Cart, lines: dict[int, Any], variant_id: int, quantity: int) -> None:
    """Put ``quantity`` of the variant in ``cart`` (a line already holding as
    many or more is left alone); a variant no longer sold is skipped, a
    quantity above the maximum per order lowered to it."""
    line = lines.get(variant_id)
    try:
        if line is None:
            cart_line_add(cart=cart, variant_id=variant_id, quantity=quantity)
        elif line.requested_quantity < quantity:
            cart_line_set_quantity(cart=cart, line_id=line.pk, quantity=quantity)
    except AboveMaxPerOrder as error:
        limit = error.details["max_per_order"]
        if 0 < limit < quantity:
            _add_item(cart, lines, variant_id, limit)
    except (VariantNotFound, InvalidInput, CartClosed):
        pass


def _restore_cart(row: AbandonedCheckout, customer: User | None) -> Cart:
    if customer is not None:
        cart = cart_for_customer(customer=customer, language=row.language)
    else:
        earlier = row.restored_cart
        reusable = earlier is not None and earlier.status == Cart.Status.OPEN and earlier.customer_id is None
        cart = earlier if reusable and earlier is not None else cart_create(language=row.language)
    lines = {line.variant_id: line for line in cart.lines.all() if line.variant_id is not None}
    for item in row.items:
        variant_id, quantity = item.get("variant_id"), item.get("quantity") or 0
        if variant_id and quantity > 0:
            _add_item(cart, lines, variant_id, quantity)
    return cart


@transaction.atomic
def recovery_link_open(*, token: str, customer: User | None = None) -> RecoveryOpened:
    """Open a reminder's recovery link: restore the cart (a new guest cart,
    or the one an earlier click restored if still open; the logged-in
    ``customer``'s own cart) with the checkout's items still sold, at the
    quantities wished (the cart's view shows what is short), and record
    the first click. Raises RecoveryLinkInvalid (``tampered``, ``expired``,
    ``used``: ordered since), changing nothing."""
    pk = recovery_token_id(token)
    if pk is None:
        raise RecoveryLinkInvalid(errors.TAMPERED)
    row = AbandonedCheckout.objects.select_for_update().filter(pk=pk).first()
    now = timezone.now()
    if row is None or row.purged_at is not None:
        raise RecoveryLinkInvalid(errors.EXPIRED)
    if row.status in (Status.RECOVERED, Status.ORDERED) or row.order_id is not None:
        raise RecoveryLinkInvalid(errors.USED)
    if row.link_expires_at is None or row.link_expires_at <= now:
        raise RecoveryLinkInvalid(errors.EXPIRED)
    cart = _restore_cart(row, customer)
    row.restored_cart = cart
    row.clicked_at = row.clicked_at or now
    if row.status in (Status.ABANDONED, Status.REMINDED, Status.EXPIRED):
        row.status = Status.CLICKED
    row.save(update_fields=["restored_cart", "clicked_at", "status", "updated_at"])
    return RecoveryOpened(abandoned=row, cart=cart, checkout_id=row.checkout_id)


@transaction.atomic
def unsubscribe(*, token: str) -> str:
    """One click: no more reminders to the token's email, ever (idempotent).
    Its open rows become UNSUBSCRIBED; returns the email."""
    email = unsubscribe_token_email(token)
    if email is None:
        raise UnsubscribeLinkInvalid()
    Unsubscribe.objects.get_or_create(email_digest=email_digest(email))
    AbandonedCheckout.objects.filter(email_key=email_key(email), status__in=REMINDABLE).update(
        status=Status.UNSUBSCRIBED, next_reminder_at=None, updated_at=timezone.now()
    )
    return email


@transaction.atomic
def resubscribe(*, token: str) -> str:
    """Undo ``unsubscribe``: future abandoned checkouts of the email may be
    reminded again (the sequences it stopped stay stopped)."""
    email = unsubscribe_token_email(token)
    if email is None:
        raise UnsubscribeLinkInvalid()
    Unsubscribe.objects.filter(email_digest=email_digest(email)).delete()
    return email


# Attribution.


def _attribution_candidates(order: Order) -> list[AbandonedCheckout]:
    """The open rows ``order`` may close: its email's, its account's, its
    cart's (the original one, or the one a recovery link restored), but
    not its own checkout's watched row (the sweep drops that one). One
    query, each branch on an index."""
    matches = Q(email_key=email_key(order.email))
    if order.customer_id is not None:
        matches |= Q(customer_id=order.customer_id)
    checkout = order.checkout
    cart_id = checkout.cart_id if checkout is not None else None
    if cart_id is not None:
        matches |= Q(cart_id=cart_id) | Q(restored_cart_id=cart_id)
    rows = AbandonedCheckout.objects.filter(matches, status__in=OPEN_STATUSES)
    if order.checkout_id is not None:
        rows = rows.exclude(checkout_id=order.checkout_id, status=Status.WATCHING)
    return list(rows.order_by(F("last_reminded_at").desc(nulls_last=True), "-pk"))


@transaction.atomic(savepoint=False)
def order_attribute(*, order: Order, events: list[OrderEvent] | None = None) -> AbandonedCheckout | None:
    """``order`` was just placed (in its transaction): close the rows it
    answers. The latest reminded one whose link was still valid is
    RECOVERED (with the order, its total and a RECOVERED event appended to
    ``events``); other abandoned ones are ORDERED (their sequence stops);
    watched ones (other checkouts of that customer, not yet abandoned) go.
    Returns the recovered row, if any. Costs one query when nothing matches."""
    rows = _attribution_candidates(order)
    if not rows:
        return None
    placed = order.created_at or timezone.now()
    recovered: AbandonedCheckout | None = None
    watched, closed = [], []
    for row in rows:
        if row.status == Status.WATCHING:
            watched.append(row.pk)
            continue
        in_time = row.reminders_sent > 0 and row.link_expires_at is not None and placed <= row.link_expires_at
        if recovered is None and in_time:
            recovered = row
            row.status = Status.RECOVERED
            row.recovered_at = placed
            row.recovered_total = order.total
        elif row.status == Status.UNSUBSCRIBED:
            continue
        else:
            row.status = Status.ORDERED
        row.order = order
        row.next_reminder_at = None
        row.updated_at = timezone.now()
        closed.append(row)
    if watched:
        AbandonedCheckout.objects.filter(pk__in=watched).delete()
    if closed:
        AbandonedCheckout.objects.bulk_update(
            closed, ["status", "recovered_at", "recovered_total", "order", "next_reminder_at", "updated_at"]
        )
    if recovered is not None and events is not None:
        events.append(
            OrderEvent(
                order=order,
                type=OrderEvent.Type.RECOVERED,
                data={
                    "abandoned_id": recovered.pk,
                    "reminders": recovered.reminders_sent,
                    "clicked": recovered.clicked_at is not None,
                },
            )
        )
    return recovered


__all__ = [
    "MESSAGE_MAX_LENGTH",
    "RecoveryOpened",
    "SweepResult",
    "abandoned_checkouts_sweep",
    "abandoned_remind",
    "abandoned_watch",
    "email_digest",
    "order_attribute",
    "recovery_link_open",
    "recovery_settings_update",
    "reminder_refusal",
    "resubscribe",
    "unsubscribe",
]
