"""The shop's language and the customer's.

The shop's language is the one the merchant reads: the emails to the shop,
the back office, a request that names no language we speak, and the fallback
of every per-language text the merchant types. The owner chooses it in the
back office (``ShopSettings.language``); until then it is ``SHOP_LANGUAGE``
(Django's ``LANGUAGE_CODE``). The customer's language is their request's
(``Accept-Language``) or their order's. ``localized`` picks a merchant's text
in a language from ``{language: text}`` translations.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils import translation

from lojista.core.selectors import shop_settings


def shop_language() -> str:
    """The shop's own language code (``en``, ``pt-br``): call it for anything
    the merchant reads (the new-order and cancellation emails to the shop)."""
    saved = shop_settings().language
    return saved if saved in language_codes() else settings.LANGUAGE_CODE


def supported_language(code: str | None) -> str:
    """The language we speak closest to ``code`` (``pt-BR``, ``pt`` →
    ``pt-br``); the shop's language when there is none."""
    if code:
        try:
            return translation.get_supported_language_variant(code).lower()
        except LookupError:
            pass
    return shop_language()


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def localized(text: str, translations: Mapping[str, str] | None, language: str | None = None) -> str:
    """The merchant's ``text`` (written in the shop's language) in
    ``language`` (the active one by default): its translation when there is a
    non-empty one, else ``text`` itself."""
    wanted = supported_language(language or translation.get_language())
    translated = (translations or {}).get(wanted, "")
    # The shop's language is asked last: most texts have no translation.
    if translated and wanted != shop_language():
        return translated
    return text


def translated_field(translations: Mapping[str, Any] | None, field: str) -> dict[str, str]:
    """``{language: text}`` of ``field`` from translations stored as
    ``{language: {field: text}}`` (a malformed entry is ignored)."""
    result: dict[str, str] = {}
    for language, texts in (translations or {}).items():
        if isinstance(texts, Mapping) and isinstance(texts.get(field), str):
            result[language] = texts[field]
    return result
