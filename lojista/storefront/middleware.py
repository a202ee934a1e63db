"""Where a customer came from: ``utm_source`` and ``utm_medium`` on the URL
they landed on are kept in their session and stored on the order they place
(the back office shows them as source / medium)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from lojista.core.validation import has_control_characters

SESSION_KEY = "utm"
PARAMETERS = ("utm_source", "utm_medium")
MAX_LENGTH = 100  # Order.utm_source / utm_medium
NOT_THE_STOREFRONT = ("/api/", "/backoffice/", "/static/", "/healthz", "/readyz")


def landing_source(request: HttpRequest) -> dict[str, str]:
    """The UTM values this session landed with ({} when none)."""
    return dict(request.session.get(SESSION_KEY, {}))


class SourceTrackingMiddleware:
    """After SessionMiddleware: a storefront page requested with UTM
    parameters remembers them for the session (the latest landing wins);
    values that are too long or hold control characters are ignored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and not request.path.startswith(NOT_THE_STOREFRONT):
            found = {
                name: value.strip()
                for name in PARAMETERS
                if (value := request.GET.get(name, ""))
                and len(value.strip()) <= MAX_LENGTH
                and not has_control_characters(value)
            }
            if found:
                request.session[SESSION_KEY] = found
        return self.get_response(request)
