"""Keyset pagination with opaque cursors: the client hands back what we gave it.

``keyset_page(rows, order=("-number",), cursor=…, limit=…)`` is every list of
the API (products, a customer's orders, staff orders, the outbox) and of the
back office to come. A page costs one query (plus the queryset's prefetches)
however far in it is: the cursor names the last row shown, and the next page
is the rows after it in the order, never an OFFSET.

A cursor is the position of that row (its values of the order's fields) as
URL-safe base64 JSON. It is not signed: it names a position in a list the
caller may read anyway, so a forged one can only skip rows of that list. What
is checked is its shape (exactly the order's fields, of their types, in
range), so a tampered cursor is a 422 naming ``cursor``, never a 500.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lojista.core.errors import InvalidInput

# Positions are ids or numbers: a larger integer could not name a row (and
# would overflow the database's bigint).
MAX_POSITION = 2**63 - 1
# An ISO 8601 timestamp with microseconds and an offset is 32 characters.
MAX_TIMESTAMP_LENGTH = 40

ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass(frozen=True)
class Page(Generic[ModelT]):
    items: list[ModelT]
    # Pass it back as ``cursor`` for the next page; None on the last page.
    next_cursor: str | None


@dataclass(frozen=True)
class _Key:
    name: str  # the field's name, as the cursor spells it
    attname: str  # the model attribute holding its value
    kind: type  # int or datetime
    descending: bool


def _keys(model: type[models.Model], order: Sequence[str]) -> list[_Key]:
    """The order's fields; the last one must be unique, or two rows could
    share a position and the second would never be shown."""
    keys = []
    for spec in order:
        name = spec.removeprefix("-")
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            kind: type = datetime
        elif isinstance(field, models.IntegerField):
            kind = int
        else:
            raise TypeError(f"Cannot paginate on {model.__name__}.{name}: only integers and timestamps.")
        keys.append(_Key(name=field.name, attname=field.attname, kind=kind, descending=spec.startswith("-")))
    if not getattr(field, "unique", False):
        raise ValueError(f"The last field of a keyset order must be unique, not {field.name}.")
    return keys


def _after(keys: list[_Key], position: dict[str, Any]) -> Q:
    """Rows after ``position`` in the order: (a, b) after (x, y) is
    a past x, or a = x and b past y."""
    condition = Q()
    for index, key in enumerate(keys):
        lookup = "lt" if key.descending else "gt"
        ties = {earlier.name: position[earlier.name] for earlier in keys[:index]}
        condition |= Q(**ties, **{f"{key.name}__{lookup}": position[key.name]})
    return condition


def keyset_page(
    rows: QuerySet[ModelT], *, order: Sequence[str], cursor: str | None, limit: int
) -> Page[ModelT]:
    """One page of ``rows`` in ``order`` (field names, ``-`` for descending;
    integers or timestamps, the last one unique), starting after the row
    ``cursor`` names (from the start without one). Raises InvalidInput naming
    ``cursor`` when it is not one this order handed out."""
    keys = _keys(rows.model, order)
    rows = rows.order_by(*(("-" if key.descending else "") + key.name for key in keys))
    if cursor:
        rows = rows.filter(_after(keys, decode_cursor(cursor, keys={key.name: key.kind for key in keys})))
    # One extra row tells whether a next page exists without a COUNT query.
    fetched = list(rows[: limit + 1])
    items = fetched[:limit]
    next_cursor = None
    if len(fetched) > limit:
        next_cursor = encode_cursor({key.name: getattr(items[-1], key.attname) for key in keys})
    return Page(items=items, next_cursor=next_cursor)


def encode_cursor(position: dict[str, Any]) -> str:
    plain = {
        name: value.isoformat() if isinstance(value, datetime) else value for name, value in position.items()
    }
    raw = json.dumps(plain, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _timestamp(value: Any) -> datetime | None:
    if type(value) is not str or len(value) > MAX_TIMESTAMP_LENGTH:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _value(value: Any, kind: type) -> Any:
    """The position's value as ``kind``, or None when it is not one."""
    if kind is datetime:
        return _timestamp(value)
    if type(value) is int and 0 <= value <= MAX_POSITION:
        return value
    return None


def decode_cursor(cursor: str, *, keys: dict[str, type]) -> dict[str, Any]:
    """Return the cursor's position, checking it has exactly ``keys`` of
    those types (int, or datetime written as ISO 8601 with an offset)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        position = None
    values = (
        {name: _value(position[name], kind) for name, kind in keys.items()}
        if isinstance(position, dict) and set(position) == set(keys)
        else None
    )
    if values is None or any(value is None for value in values.values()):
        raise InvalidInput(
            _("The cursor is not valid."), details={"fields": {"cursor": [str(_("Malformed cursor."))]}}
        )
    return values
