"""The reminder emails, in the email-kind registry (registered from
AbandonedCheckoutsConfig.ready, installed or not: the owner can prepare the
templates before installing).

Four kinds (decision 162): ``abandoned_checkout_1``, ``_2`` and ``_3``, one
per step of the automatic schedule, so each step has its own words (a first
nudge, a reminder, a last call), and ``abandoned_checkout_manual``, sent by
hand with staff's message. They share their variables
(docs/abandoned-checkouts.md):

- ``checkout``: ``name``, ``email``, ``items`` (``product_name``,
  ``variant_name``, ``sku``, ``quantity``, ``unit_price``, ``line_total``,
  money formatted), ``item_count``, ``value`` (formatted), ``currency``;
- ``recovery_url`` (the button), ``unsubscribe_url``, ``valid_days`` (the
  link's lifetime), ``step`` (1 to 3; 0 by hand), ``message`` (by hand).

The links are made when the email is rendered (as the account emails' are):
no signed token is copied into the outbox.
"""

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lojista.core.money import format_money
from lojista.notifications import kinds
from lojista.notifications.context import longest_text
from lojista.notifications.kinds import EmailKind, EmailRef
from lojista.notifications.models import NotificationSettings

SUBJECT_TYPE = "abandoned_checkout"
STEP_KINDS = ("abandoned_checkout_1", "abandoned_checkout_2", "abandoned_checkout_3")
MANUAL_KIND = "abandoned_checkout_manual"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "emails"
SAMPLE_TOKEN = "sample"
LARGEST_ITEMS = 50


def kind_for_step(step: int | None) -> str:
    """The kind of automatic step ``step`` (0-based), or the manual one for None."""
    if step is None:
        return MANUAL_KIND
    return STEP_KINDS[min(step, len(STEP_KINDS) - 1)]


def _money(value: Any, currency: str) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return format_money(amount, currency)


def _item(item: dict[str, Any], currency: str) -> dict[str, Any]:
    quantity = int(item.get("quantity") or 0)
    try:
        total = Decimal(str(item.get("unit_price"))) * quantity
    except (InvalidOperation, ValueError):
        total = Decimal("0")
    return {
        "product_name": str(item.get("product_name") or ""),
        "variant_name": str(item.get("variant_name") or ""),
        "sku": str(item.get("sku") or ""),
        "quantity": quantity,
        "unit_price": _money(item.get("unit_price"), currency),
        "line_total": format_money(total, currency),
    }


def checkout_context(abandoned: Any) -> dict[str, Any]:
    """The ``checkout`` variable of an AbandonedCheckout row."""
    currency = abandoned.currency or settings.LOJISTA_CURRENCY
    return {
        "name": abandoned.name,
        "email": abandoned.email,
        "items": [_item(item, currency) for item in abandoned.items],
        "item_count": abandoned.item_count,
        "value": format_money(abandoned.cart_value, currency),
        "currency": currency,
    }


def _link_days() -> int:
    from lojista.extensions.abandoned_checkouts.models import RecoverySettings

    return RecoverySettings.load().link_ttl_days


def _context(step: int, ref: EmailRef, shop: NotificationSettings) -> dict[str, Any]:
    from lojista.extensions.abandoned_checkouts.links import recovery_url, unsubscribe_url
    from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout

    abandoned = ref.subject or AbandonedCheckout.objects.get(pk=ref.subject_id)
    return {
        "checkout": checkout_context(abandoned),
        "recovery_url": recovery_url(abandoned),
        "unsubscribe_url": unsubscribe_url(abandoned.email) if abandoned.email else "",
        "valid_days": _link_days(),
        "step": step,
        "message": str(ref.data.get("message", "")),
    }


def _sample_links() -> dict[str, str]:
    from django.urls import reverse

    site = settings.LOJISTA_SITE_URL.rstrip("/")
    return {
        "recovery_url": site + reverse("abandoned_checkouts_shop:recover", args=[SAMPLE_TOKEN]),
        "unsubscribe_url": site + reverse("abandoned_checkouts_shop:unsubscribe", args=[SAMPLE_TOKEN]),
    }


def _sample_checkout() -> dict[str, Any]:
    currency = settings.LOJISTA_CURRENCY
    items = [
        {
            "product_name": "Camiseta Lojista",
            "variant_name": "M",
            "sku": "CAM-M",
            "quantity": 2,
            "unit_price": "25.00",
        },
        {"product_name": "Caneca", "variant_name": "", "sku": "CAN", "quantity": 1, "unit_price": "12.50"},
    ]
    return {
        "name": "Ana Souza",
        "email": "ana@example.com",
        "items": [_item(item, currency) for item in items],
        "item_count": 3,
        "value": format_money(Decimal("62.50"), currency),
        "currency": currency,
    }


def _sample(step: int, shop: NotificationSettings) -> dict[str, Any]:
    message = _("We kept your size aside for a few more days. Any question, just reply!") if step == 0 else ""
    return {
        "checkout": _sample_checkout(),
        **_sample_links(),
        "valid_days": _link_days(),
        "step": step,
        "message": message,
    }


def _largest(step: int, shop: NotificationSettings) -> dict[str, Any]:
    sample = _sample(step, shop)
    checkout = sample["checkout"]
    item = {
        **checkout["items"][0],
        "product_name": longest_text(200),
        "variant_name": longest_text(200),
        "sku": longest_text(64),
    }
    return {
        **sample,
        "checkout": {
            **checkout,
            "name": longest_text(200),
            "email": "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + ".example",
            "items": [item] * LARGEST_ITEMS,
            "item_count": 999 * LARGEST_ITEMS,
        },
        "message": longest_text(1000),
    }


def _load(ids: list[str]) -> dict[str, Any]:
    from lojista.extensions.abandoned_checkouts.models import AbandonedCheckout

    return {str(pk): row for pk, row in AbandonedCheckout.objects.in_bulk(ids).items()}


def _sample_message() -> dict[str, Any]:
    return {"message": _("We kept your size aside for a few more days. Any question, just reply!")}


def _headers(context: dict[str, Any]) -> dict[str, str]:
    """One-click unsubscribe in the mail client (RFC 8058): the page answers
    the client's POST as it answers a click (decision 172)."""
    if not context.get("unsubscribe_url"):
        return {}
    return {
        "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _kind(key: str, label: Any, step: int, **extra: Any) -> EmailKind:
    def context(ref: EmailRef, shop: NotificationSettings) -> dict[str, Any]:
        return _context(step, ref, shop)

    def sample(shop: NotificationSettings) -> dict[str, Any]:
        return _sample(step, shop)

    def largest(shop: NotificationSettings) -> dict[str, Any]:
        return _largest(step, shop)

    return EmailKind(
        key=key,
        label=label,
        audience="customer",
        template_dir=TEMPLATE_DIR,
        subject_type=SUBJECT_TYPE,
        context=context,
        sample=sample,
        largest=largest,
        load=_load,
        headers=_headers,
        **extra,
    )


KINDS = (
    _kind(STEP_KINDS[0], gettext_lazy("Abandoned checkout: first reminder"), 1),
    _kind(STEP_KINDS[1], gettext_lazy("Abandoned checkout: second reminder"), 2),
    _kind(STEP_KINDS[2], gettext_lazy("Abandoned checkout: last reminder"), 3),
    _kind(
        MANUAL_KIND, gettext_lazy("Abandoned checkout: reminder sent by hand"), 0, sample_data=_sample_message
    ),
)


def register_kinds() -> None:
    for kind in KINDS:
        if kinds.find(kind.key) is None:
            kinds.register(kind)
