"""Values that end up in an email's headers (From, To, Subject).

A header is one line: a CR or LF in a value would start another header (an
injected ``Bcc:``), and Python's email package refuses it, so the email cannot
be sent at all. Values typed by staff are therefore checked when they are
saved (``check_address``, ``check_one_line``), and whatever reaches the
sender anyway (a value stored before these checks, a variable in a subject
template) is folded onto one line (``one_line``) or refused for that one
email (``recipient_address``).
"""

import unicodedata
from email.headerregistry import Address

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from lojista.core.errors import InvalidInput

# Control characters, and the Unicode line and paragraph separators, which
# some mail software also takes for line breaks.
_NOT_IN_A_HEADER = {"Cc", "Zl", "Zp"}


class InvalidHeader(ValueError):
    """An email cannot be sent with this value in a header."""


def _breaks_a_header(text: str) -> bool:
    return any(unicodedata.category(char) in _NOT_IN_A_HEADER for char in text)


def one_line(text: str) -> str:
    """``text`` with control characters and line breaks turned into spaces,
    and runs of spaces collapsed: safe in any header."""
    spaced = "".join(" " if unicodedata.category(char) in _NOT_IN_A_HEADER else char for char in text)
    return " ".join(spaced.split())


def usable_address(address: str) -> bool:
    """Whether ``address`` is a valid email address that a header can carry
    as is (Django's validator alone accepts a quoted local part with control
    characters in it, which the email package then refuses)."""
    if _breaks_a_header(address):
        return False
    try:
        validate_email(address)
        Address(addr_spec=address)
    except (ValidationError, ValueError):
        return False
    return True


def check_address(field: str, address: str) -> None:
    """Refuse ``address`` for ``field`` (422 naming it) unless it can be sent to or from."""
    if not usable_address(address):
        message = _("“%(address)s” is not a valid email address.") % {"address": one_line(address)}
        raise InvalidInput.field(field, message)


def check_one_line(field: str, text: str) -> None:
    """Refuse ``text`` for ``field`` (422 naming it) if it holds a line break
    or another control character."""
    if _breaks_a_header(text):
        raise InvalidInput.field(field, _("Must be a single line, without control characters."))


def recipient_address(address: str) -> str:
    """``address`` if an email can be sent to it; InvalidHeader otherwise."""
    if not usable_address(address):
        raise InvalidHeader(_("“%(address)s” cannot be used as a recipient address.") % {"address": address})
    return address
