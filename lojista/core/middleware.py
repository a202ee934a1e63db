"""The request's language: the one it names, else the shop's."""

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from lojista.core.i18n import shop_language


def named_language(request: HttpRequest) -> str | None:
    """The language we speak that the request asks for (the language cookie,
    then Accept-Language in order of preference); None if it names none."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    accepted = [
        code for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", ""))
    ]
    for code in [cookie, *accepted]:
        if code == "*":
            break
        if not code:
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def _shop_language() -> str:
    try:
        return shop_language()
    except DatabaseError:
        # The database is down (and the settings not cached): /healthz must
        # still answer its 503, so the deployment's language it is.
        return settings.LANGUAGE_CODE


class ShopLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (Content-Language, Vary), except that a
    request naming no language we speak gets the shop's language, which the
    owner may have changed since the start (Django's would use LANGUAGE_CODE).
    The shop uses no language prefixes in its URLs."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(named_language(request) or _shop_language())
        request.LANGUAGE_CODE = translation.get_language()
