"""What every email template sees, whatever its kind: ``shop``, and the
helpers kinds build their own variables with.

Every variable is listed in docs/emails.md; the values are strings, numbers,
dates and nested mappings and lists of them (templating.freeze refuses
anything else). Built in the recipient's language, so money and labels come
out translated. Each kind's own variables come from its context builder
(kinds.py; the order emails' are in order_kinds.py).
"""

from email.utils import parseaddr
from typing import Any

from django.conf import settings

from lojista.core.selectors import shop_name
from lojista.notifications.headers import usable_address
from lojista.notifications.kinds import EmailKind, EmailRef
from lojista.notifications.models import NotificationSettings


def shop_context(shop: NotificationSettings) -> dict[str, Any]:
    return {
        "name": shop_name(),
        "logo_url": shop.logo_url,
        "email": sender_address(shop),
        "url": settings.LOJISTA_SITE_URL,
        # The zone the emails' dates and times are in (TIME_ZONE), to name it.
        "time_zone": settings.TIME_ZONE,
    }


def sender_address(shop: NotificationSettings) -> str:
    """The shop's sender address; DEFAULT_FROM_EMAIL's when it has none, or
    one that no email could be sent from (stored before it was checked)."""
    if shop.sender_email and usable_address(shop.sender_email):
        return shop.sender_email
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def email_context(*, kind: EmailKind, ref: EmailRef | None, shop: NotificationSettings) -> dict[str, Any]:
    """The variables of one email: ``shop`` and the kind's own, about ``ref``
    (its sample when None). Call it inside translation.override(language)."""
    own = kind.context(ref, shop) if ref is not None else kind.sample(shop)
    return {"shop": shop_context(shop), **own}


def largest_context(*, kind: EmailKind, shop: NotificationSettings) -> dict[str, Any]:
    """The largest variables of ``kind``, for the render budget check on save."""
    return {"shop": shop_context(shop), **kind.largest_context(shop)}


def longest_text(length: int) -> str:
    """``length`` characters of the kind that HTML escaping lengthens, with
    newlines for linebreaks: a field at the longest the shop accepts."""
    pattern = "Ação & <Loja> “Ana” 'O'\n"
    return (pattern * (length // len(pattern) + 1))[:length]
