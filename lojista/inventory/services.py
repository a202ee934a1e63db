"""Writes of stock: hold units for a checkout, sell them, give them back, count them.

Never oversell. Every operation that takes units locks the Stock rows it
touches with SELECT … FOR UPDATE, always in variant_id order so that two
baskets naming the same variants in different orders cannot deadlock, then
reads the other holders' reservations in a *new* statement (under READ
COMMITTED it sees every hold committed while it waited for the locks), checks,
and only then writes. Sales decrement with a conditional UPDATE whose row count
is checked, and the ``stock_quantity_not_negative`` CHECK constraint is the
last guard. The number of queries does not grow with the number of items.

Variants whose stock is not tracked (``track_stock`` False) are never short:
they are skipped by every operation that takes ``items``.

The services that take or give back held units (reserve, commit, release)
run inside their caller's transaction when there is one, without a
savepoint of their own (``savepoint=False``): a checkout or a placement
lets their errors end its whole transaction, so a savepoint would be two
statements for nothing. A caller that wants to go on after such an error
opens its own ``transaction.atomic()`` around the call.
"""

from collections.abc import Collection
from datetime import datetime

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from lojista.catalog.listing_cache import listing_changed
from lojista.catalog.models import Variant
from lojista.core.errors import InvalidInput
from lojista.core.validation import CONTROL_CHARACTERS_MESSAGE, has_control_characters
from lojista.customers.models import User
from lojista.inventory.errors import InsufficientStock, StockWouldGoNegative, VariantNotFound
from lojista.inventory.models import Reservation, Stock, StockMovement
from lojista.inventory.selectors import active_reserved_by_variant


def _check_quantities(items: dict[int, int]) -> None:
    if any(quantity < 1 for quantity in items.values()):
        raise InvalidInput.field("quantity", _("Quantities must be at least 1."))


def _tracked(items: dict[int, int]) -> dict[int, int]:
    """The tracked part of ``items``, sorted by variant_id; unknown variants raise."""
    _check_quantities(items)
    tracking = dict(Variant.objects.filter(pk__in=items).order_by().values_list("pk", "track_stock"))
    missing = sorted(set(items) - set(tracking))
    if missing:
        raise VariantNotFound(missing)
    return {variant_id: quantity for variant_id, quantity in sorted(items.items()) if tracking[variant_id]}


def _lock_on_hand(variant_ids: list[int]) -> dict[int, int]:
    """Lock the Stock rows of ``variant_ids`` in variant_id order and return
    what is on hand (0 for a tracked variant that has no Stock row yet)."""
    locked = dict(
        Stock.objects.select_for_update()
        .filter(variant_id__in=variant_ids)
        .order_by("variant_id")
        .values_list("variant_id", "quantity")
    )
    return {variant_id: locked.get(variant_id, 0) for variant_id in variant_ids}


def _lock_and_check(wanted: dict[int, int], *, key: str) -> None:
    """Lock ``wanted``'s stock and raise InsufficientStock unless each variant
    has its quantity free once other holders' unexpired reservations are taken off."""
    on_hand = _lock_on_hand(list(wanted))
    held_by_others = active_reserved_by_variant(variant_ids=wanted, exclude_key=key)
    short = []
    for variant_id, requested in wanted.items():
        available = on_hand[variant_id] - held_by_others.get(variant_id, 0)
        if requested > available:
            short.append({"variant_id": variant_id, "requested": requested, "available": max(available, 0)})
    if short:
        raise InsufficientStock(short)


def _decrement(wanted: dict[int, int]) -> None:
    """Take ``wanted`` off on-hand stock in one conditional UPDATE; a row that
    would go below zero is not matched, so a short row count means a shortage."""
    enough = Q()
    for variant_id, quantity in wanted.items():
        enough |= Q(variant_id=variant_id, quantity__gte=quantity)
    updated = Stock.objects.filter(enough).update(
        quantity=Case(
            *(
                When(variant_id=variant_id, then=F("quantity") - quantity)
                for variant_id, quantity in wanted.items()
            ),
            default=F("quantity"),
            output_field=IntegerField(),
        ),
        updated_at=timezone.now(),
    )
    if updated != len(wanted):
        on_hand = dict(Stock.objects.filter(variant_id__in=wanted).values_list("variant_id", "quantity"))
        raise InsufficientStock(
            [
                {"variant_id": variant_id, "requested": quantity, "available": on_hand.get(variant_id, 0)}
                for variant_id, quantity in wanted.items()
                if on_hand.get(variant_id, 0) < quantity
            ]
        )


@transaction.atomic(savepoint=False)
def stock_reserve(*, key: str, items: dict[int, int], expires_at: datetime) -> None:
    """Hold ``items`` (variant_id -> quantity) for ``key`` until ``expires_at``,
    replacing every hold ``key`` had, so a changed cart is re-reserved in one call.
    Raises InsufficientStock (changing nothing) if a tracked variant lacks units."""
    wanted = _tracked(items)
    if wanted:
        _lock_and_check(wanted, key=key)
    released, _per_model = Reservation.objects.filter(key=key).delete()
    if wanted or released:
        listing_changed()
    Reservation.objects.bulk_create(
        Reservation(key=key, variant_id=variant_id, quantity=quantity, expires_at=expires_at)
        for variant_id, quantity in wanted.items()
    )


@transaction.atomic(savepoint=False)
def stock_commit(*, key: str, items: dict[int, int]) -> None:
    """The sale: take ``items`` off on-hand stock and drop ``key``'s holds.

    ``key``'s own holds count as its own, so this works after a reservation,
    without one, or after one expired while the units are still free.
    Raises InsufficientStock (changing nothing) otherwise."""
    wanted = _tracked(items)
    if wanted:
        _lock_and_check(wanted, key=key)
        _decrement(wanted)
        listing_changed()
    Reservation.objects.filter(key=key).delete()


@transaction.atomic(savepoint=False)
def stock_release(*, key: str) -> int:
    """Drop every hold of ``key``, returning how many units they held; idempotent."""
    return stock_release_keys(keys=[key]).get(key, 0)


@transaction.atomic(savepoint=False)
def stock_release_keys(*, keys: Collection[str]) -> dict[str, int]:
    """Drop every hold of each of ``keys`` (two queries however many keys;
    one when none holds anything), returning the units each key held (keys
    that held none are left out); idempotent."""
    holds = Reservation.objects.filter(key__in=sorted(set(keys)))
    units = dict(holds.order_by().values_list("key").annotate(units=Sum("quantity")))
    if units:
        holds.delete()
        listing_changed()
    return {key: count for key, count in units.items() if count}


@transaction.atomic
def stock_restock(*, items: dict[int, int], note: str = "", actor: User | None = None) -> None:
    """Put units back on hand (an order cancelled), each variant's change
    kept in its history. Untracked variants and variants deleted since the
    sale are skipped: there is no count to restore. Three queries more than
    the update itself, however many variants."""
    _check_quantities(items)
    tracked = set(
        Variant.objects.filter(pk__in=items, track_stock=True).order_by().values_list("pk", flat=True)
    )
    wanted = {variant_id: quantity for variant_id, quantity in sorted(items.items()) if variant_id in tracked}
    if not wanted:
        return
    Stock.objects.bulk_create([Stock(variant_id=variant_id) for variant_id in wanted], ignore_conflicts=True)
    _lock_on_hand(list(wanted))
    Stock.objects.filter(variant_id__in=wanted).update(
        quantity=Case(
            *(
                When(variant_id=variant_id, then=F("quantity") + quantity)
                for variant_id, quantity in wanted.items()
            ),
            default=F("quantity"),
            output_field=IntegerField(),
        ),
        updated_at=timezone.now(),
    )
    listing_changed()
    # The rows are still locked by this transaction: what is read is what was written.
    after = dict(Stock.objects.filter(variant_id__in=wanted).values_list("variant_id", "quantity"))
    StockMovement.objects.bulk_create(
        StockMovement(
            variant_id=variant_id,
            delta=quantity,
            quantity_after=after[variant_id],
            reason=StockMovement.Reason.ORDER_CANCELLED,
            note=note,
            actor=actor,
        )
        for variant_id, quantity in wanted.items()
    )


def _start_tracking(variant_id: int) -> None:
    """Staff who count a variant's stock want it counted: turn tracking on."""
    if not Variant.objects.filter(pk=variant_id).update(track_stock=True):
        raise VariantNotFound([variant_id])
    listing_changed()  # the count set or adjusted next shows in the listing


def _check_note(note: str) -> None:
    max_length = StockMovement._meta.get_field("note").max_length or 0
    if len(note) > max_length:
        message = _("Ensure this value has at most %(max_length)s characters (it has %(length)s).") % {
            "max_length": max_length,
            "length": len(note),
        }
        raise InvalidInput.field("note", message)
    if has_control_characters(note):
        raise InvalidInput.field("note", CONTROL_CHARACTERS_MESSAGE)


def _check_reason(reason: str) -> None:
    if reason not in StockMovement.STAFF_REASONS:
        message = _("Choose a reason: %(reasons)s.") % {"reasons": ", ".join(StockMovement.STAFF_REASONS)}
        raise InvalidInput.field("reason", message)


@transaction.atomic
def stock_set(
    *,
    variant_id: int,
    quantity: int,
    reason: str = StockMovement.Reason.COUNT,
    note: str = "",
    actor: User | None = None,
) -> Stock:
    """Set the units on hand to ``quantity`` (a stock count), tracking the
    variant from now on, and keep the change (even none: the count itself
    is news) in the variant's history."""
    if quantity < 0:
        raise InvalidInput.field("quantity", _("The quantity cannot be negative."))
    _check_reason(reason)
    _check_note(note)
    _start_tracking(variant_id)
    Stock.objects.get_or_create(variant_id=variant_id)
    # Locked so that a sale between the read and the write cannot make the
    # history's "before" wrong; the count itself replaces whatever was there.
    stock = Stock.objects.select_for_update().get(variant_id=variant_id)
    before = stock.quantity
    stock.quantity = quantity
    stock.save(update_fields=["quantity", "updated_at"])
    StockMovement.objects.create(
        variant_id=variant_id,
        delta=quantity - before,
        quantity_after=quantity,
        reason=reason,
        note=note,
        actor=actor,
    )
    return stock


@transaction.atomic
def stock_adjust(
    *,
    variant_id: int,
    delta: int,
    reason: str = StockMovement.Reason.OTHER,
    note: str = "",
    actor: User | None = None,
) -> Stock:
    """Add ``delta`` units on hand (goods received) or take them off (breakage),
    tracking the variant from now on, and keep the change in the variant's
    history. Raises StockWouldGoNegative below zero, changing nothing."""
    if delta == 0:
        raise InvalidInput.field("delta", _("The adjustment cannot be zero."))
    _check_reason(reason)
    _check_note(note)
    _start_tracking(variant_id)
    stock, _created = Stock.objects.get_or_create(variant_id=variant_id)
    updated = Stock.objects.filter(variant_id=variant_id, quantity__gte=-delta).update(
        quantity=F("quantity") + Value(delta), updated_at=timezone.now()
    )
    # After the UPDATE this transaction holds the row's lock: the quantity
    # read is the one it wrote.
    stock.refresh_from_db()
    if not updated:
        raise StockWouldGoNegative(variant_id=variant_id, on_hand=stock.quantity, delta=delta)
    StockMovement.objects.create(
        variant_id=variant_id,
        delta=delta,
        quantity_after=stock.quantity,
        reason=reason,
        note=note,
        actor=actor,
    )
    return stock


@transaction.atomic
def reservations_release_expired() -> int:
    """Delete holds whose time is up, returning how many were deleted. They
    already stopped counting when they expired; this only tidies up."""
    deleted, _per_model = Reservation.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
