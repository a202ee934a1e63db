"""The links a reminder carries: the recovery link (restores the cart) and the
unsubscribe link (one click, no login), both signed with Django's signing
(SECRET_KEY), each with a salt of its own so that one cannot pass for the other.

- A recovery token carries the abandoned checkout's id. It has no date of
  its own: it works until the row's ``link_expires_at`` (the last reminder
  + ``link_ttl_days``), checked when it is opened, so every reminder's link
  lives as long as the latest one.
- An unsubscribe token carries the email address (lower-cased); it never
  expires (an old email's link must still work).

The pages they open are the storefront's (``abandoned_checkouts_shop:recover``
at ``cart/recover/<token>/``, ``abandoned_checkouts_shop:unsubscribe`` at
``emails/unsubscribe/<token>/``).
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.urls import reverse

if TYPE_CHECKING:
    from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout

RECOVER_SALT = "lojista.abandoned_checkouts.recover"
UNSUBSCRIBE_SALT = "lojista.abandoned_checkouts.unsubscribe"
# "." keeps the token one path segment that every mail client links in full.
SEPARATOR = "."
# Longer tokens are refused before any cryptography (a megabyte in a URL).
MAX_TOKEN_LENGTH = 400


def _signer(salt: str) -> signing.Signer:
    return signing.Signer(salt=salt, sep=SEPARATOR)


def _site(path: str) -> str:
    return settings.LOJISTA_SITE_URL.rstrip("/") + path


def email_key(email: str) -> str:
    """What "the same email" means here: the address lower-cased, trimmed."""
    return email.strip().lower()


def recovery_token(abandoned: "AbandonedCheckout") -> str:
    return _signer(RECOVER_SALT).sign(str(abandoned.pk))


def recovery_url(abandoned: "AbandonedCheckout") -> str:
    """The absolute recovery link of ``abandoned`` (SITE_URL)."""
    return _site(reverse("abandoned_checkouts_shop:recover", args=[recovery_token(abandoned)]))


def recovery_token_id(token: str) -> int | None:
    """The abandoned checkout's id a recovery token carries, or None when it
    is not one we signed (tampered, truncated, another link's)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = _signer(RECOVER_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def unsubscribe_token(email: str) -> str:
    return _signer(UNSUBSCRIBE_SALT).sign_object(email_key(email))


def unsubscribe_url(email: str) -> str:
    """The absolute one-click unsubscribe link for ``email`` (no expiry)."""
    return _site(reverse("abandoned_checkouts_shop:unsubscribe", args=[unsubscribe_token(email)]))


def unsubscribe_token_email(token: str) -> str | None:
    """The email an unsubscribe token carries, or None when tampered."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = _signer(UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    return value if isinstance(value, str) and "@" in value else None
