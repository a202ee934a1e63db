"""Money as text: the API's exact amount, and the amount people read.

``amount_text`` is what the API sends (``"1234.50"``: a string, so no client
parses it as a float). ``format_money`` is what a person reads, in the active
language: ``€1,234.50`` in English, ``€ 1.234,50`` or ``R$ 1.234,50`` in
Brazilian Portuguese, as CLDR writes them. Emails, the cart's messages and the
``money`` template filter (``lojista/core/templatetags/money.py``) all use it.

Digits come from Django's formats for the language (its decimal and thousand
separators); the symbol and where it goes come from the small table below, one
row per language the shop speaks. Babel would know every language, but it is
not a dependency and two languages fit in six lines.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language

# The symbol CLDR gives each currency in each language; a currency missing
# here is written with its ISO code ("CHF 12.50"), which nobody misreads.
SYMBOLS: dict[str, dict[str, str]] = {
    "en": {"BRL": "R$", "EUR": "€", "GBP": "£", "USD": "$"},
    "pt-br": {"BRL": "R$", "EUR": "€", "GBP": "£", "USD": "US$"},
}
# Between the symbol and the digits: nothing in English, a no-break space in
# Brazilian Portuguese (and after any ISO code), so a line never breaks there.
SEPARATORS = {"en": "", "pt-br": "\xa0"}
CODE_SEPARATOR = "\xa0"


def amount_text(amount: Decimal) -> str:
    """The amount with two decimals and a dot, as the API writes it."""
    return f"{amount:.2f}"


def _language() -> str:
    language = (get_language() or settings.LANGUAGE_CODE).lower()
    if language in SYMBOLS:
        return language
    base = language.split("-")[0]
    return next((known for known in SYMBOLS if known.split("-")[0] == base), "en")


def format_money(amount: Decimal, currency: str | None = None) -> str:
    """``amount`` of ``currency`` (the shop's by default) as people read it
    in the active language, with grouping: ``€1,234.50``, ``R$ 1.234,50``."""
    currency = (currency or settings.LOJISTA_CURRENCY).upper()
    language = _language()
    digits = formats.number_format(Decimal(amount_text(abs(amount))), 2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS[language].get(currency)
    prefix = f"{symbol}{SEPARATORS[language]}" if symbol else f"{currency}{CODE_SEPARATOR}"
    return f"{'-' if amount < 0 else ''}{prefix}{digits}"
