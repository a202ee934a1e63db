"""The back office speaks its reader's language: the one the staff member
chose (``User.language``), else the shop's. The customer-facing surfaces
keep the request's language (Accept-Language)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from lojista.core.i18n import shop_language, supported_language

PREFIX = "/backoffice/"


def staff_language(request: HttpRequest) -> str:
    chosen = getattr(request.user, "language", "") if request.user.is_authenticated else ""
    return supported_language(chosen) if chosen else shop_language()


class BackofficeLanguageMiddleware:
    """After AuthenticationMiddleware and LocaleMiddleware: under /backoffice/
    it replaces the request's language with the staff member's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        language = staff_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)
