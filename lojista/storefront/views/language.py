"""The customer's language: a cookie for this browser (read by the shop's
locale middleware on every request) and, when logged in, the account's, so
their emails speak it too."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from lojista.customers.models import User
from lojista.customers.services import user_language_set

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The ``next`` the form sent when it stays on this site, else ``default``."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted.startswith("/") and allowed else default


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(safe_next(request))
    chosen = request.POST.get("language", "")
    if chosen not in LANGUAGE_CODES:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        chosen,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    if isinstance(request.user, User) and request.user.is_authenticated:
        user_language_set(user=request.user, language=chosen)
    return response
