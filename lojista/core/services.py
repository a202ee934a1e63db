"""Writes of the core: the shop's own settings, saved by the owner."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lojista.core.errors import InvalidInput
from lojista.core.i18n import language_codes
from lojista.core.models import ShopSettings
from lojista.core.validation import CONTROL_CHARACTERS_MESSAGE, has_control_characters

# The longest checkout hold the owner may choose: a day. Stock held longer
# is stock other customers cannot buy.
MAX_CHECKOUT_HOLD_MINUTES = 24 * 60
NAME_MAX_LENGTH = ShopSettings._meta.get_field("name").max_length or 100
TEXT_MAX_LENGTH = 1000


def _too_long(text: str, max_length: int) -> str:
    return _("Ensure this value has at most %(max_length)s characters (it has %(length)s).") % {
        "max_length": max_length,
        "length": len(text),
    }


def _text_problem(text: str, *, max_length: int, multiline: bool) -> str | None:
    if len(text) > max_length:
        return _too_long(text, max_length)
    if has_control_characters(text, multiline=multiline):
        return str(CONTROL_CHARACTERS_MESSAGE)
    return None


def _hold_problem(minutes: int | None) -> str | None:
    if minutes is not None and not 1 <= minutes <= MAX_CHECKOUT_HOLD_MINUTES:
        return _("Enter a number of minutes from 1 to %(max)s.") % {"max": MAX_CHECKOUT_HOLD_MINUTES}
    return None


def _language_problem(language: str) -> str | None:
    if language and language not in language_codes():
        return _("Choose one of %(languages)s, or leave it blank.") % {
            "languages": ", ".join(language_codes())
        }
    return None


@transaction.atomic
def shop_settings_update(
    *,
    name: str,
    details: str,
    language: str,
    checkout_hold_minutes: int | None,
    invoice_footer: str,
) -> ShopSettings:
    """Save the shop's settings; a blank field (None for the hold) falls back
    to the deployment's setting. Every invalid field is named at once."""
    values: dict[str, Any] = {
        "name": name.strip(),
        "details": details.strip(),
        "language": language.strip().lower().replace("_", "-"),
        "checkout_hold_minutes": checkout_hold_minutes,
        "invoice_footer": invoice_footer.strip(),
    }
    problems = {
        "name": _text_problem(values["name"], max_length=NAME_MAX_LENGTH, multiline=False),
        "details": _text_problem(values["details"], max_length=TEXT_MAX_LENGTH, multiline=True),
        "language": _language_problem(values["language"]),
        "checkout_hold_minutes": _hold_problem(checkout_hold_minutes),
        "invoice_footer": _text_problem(values["invoice_footer"], max_length=TEXT_MAX_LENGTH, multiline=True),
    }
    fields = {field: [problem] for field, problem in problems.items() if problem}
    if fields:
        raise InvalidInput(details={"fields": fields})
    row, _created = ShopSettings.objects.update_or_create(pk=1, defaults=values)
    return row
