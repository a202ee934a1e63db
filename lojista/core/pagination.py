"""Opaque keyset cursors: the client hands back what we gave it, untouched."""

import base64
import binascii
import json
from typing import Any

from django.utils.translation import gettext_lazy as _

from lojista.core.errors import InvalidInput

# Positions are ids or numbers: a larger integer could not name a row (and
# would overflow the database's bigint).
MAX_POSITION = 2**63 - 1


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, keys: dict[str, type]) -> dict[str, Any]:
    """Return the cursor's position, checking it has exactly ``keys`` of those types."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        position = None
    if (
        not isinstance(position, dict)
        or set(position) != set(keys)
        or not all(type(position[key]) is kind for key, kind in keys.items())
        or not all(0 <= value <= MAX_POSITION for value in position.values() if type(value) is int)
    ):
        raise InvalidInput(
            _("The cursor is not valid."), details={"fields": {"cursor": [str(_("Malformed cursor."))]}}
        )
    return position
