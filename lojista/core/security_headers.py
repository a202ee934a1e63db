"""Security headers on the shop's pages: a Content-Security-Policy and a
Permissions-Policy (Django's own middlewares add X-Content-Type-Options,
Referrer-Policy, Cross-Origin-Opener-Policy and X-Frame-Options).

The policy is strict: scripts, styles, images, fonts and requests from the
shop itself only (htmx is one of our static files), no inline script, no
plugin, and no page may be framed by another site. The back office adds
inline styles, which the HTML emails it previews in a sandboxed ``srcdoc``
frame need (such a frame inherits its page's policy).

Stripe.js is allowed only on the page that takes a card: a view wrapped in
:func:`csp_allow_stripe` (or one that sets ``request.csp_allow_stripe = True``)
answers with a policy that also lets the browser load ``js.stripe.com``,
frame Stripe's fields and talk to Stripe's API. Nothing else on the site may.

Not under ``/api/`` (JSON, and the API's own docs page), where only the
harmless headers are sent. ``CSP_REPORT_ONLY=true`` sends the policy as
``Content-Security-Policy-Report-Only`` (to try a change on a live shop).
See docs/security.md, "Security headers".
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

STRIPE_SCRIPTS = ("https://js.stripe.com",)
STRIPE_FRAMES = ("https://js.stripe.com", "https://hooks.stripe.com")
STRIPE_CONNECT = ("https://api.stripe.com",)

# Browser features no page of the shop uses (the payment page's Stripe
# frame asks for "payment" itself: allowed for it there only).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), usb=()"
PERMISSIONS_POLICY_STRIPE = (
    'camera=(), microphone=(), geolocation=(), usb=(), payment=(self "https://js.stripe.com")'
)

# Paths that get no Content-Security-Policy: the JSON API (and its docs page,
# which django-ninja draws with an inline script).
WITHOUT_CSP = ("/api/",)
BACKOFFICE = "/backoffice/"

ViewFunction = Callable[..., HttpResponse]


def csp_allow_stripe(view: ViewFunction) -> ViewFunction:
    """Decorate the checkout's payment view: its responses may load Stripe.js
    and frame Stripe's card fields (only where Stripe is configured, the view
    decides whether to load it at all). Put it inside ``@require_POST`` /
    ``@require_GET``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.csp_allow_stripe = True  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def content_security_policy(*, backoffice: bool = False, stripe: bool = False) -> str:
    """The policy for a page of the back office or of the storefront, with
    Stripe's sources when the page takes a card."""
    media = _origin(getattr(settings, "MEDIA_URL", "") or "")
    static = _origin(getattr(settings, "STATIC_URL", "") or "")
    # Static files may come from a CDN (an absolute STATIC_URL); uploads
    # (an absolute MEDIA_URL) are only ever images, never scripts.
    own = ["'self'", *([static] if static else [])]
    scripts = [*own, *(STRIPE_SCRIPTS if stripe else ())]
    styles = [*own, *(["'unsafe-inline'"] if backoffice else [])]
    # The back office previews emails, whose logo may live anywhere (https).
    images = [
        *own,
        *([media] if media and media != static else []),
        "data:",
        *(["https:"] if backoffice else []),
    ]
    connect = ["'self'", *(STRIPE_CONNECT if stripe else ())]
    frames = ["'self'", *(STRIPE_FRAMES if stripe else ())]
    directives = [
        "default-src 'self'",
        f"script-src {' '.join(scripts)}",
        f"style-src {' '.join(styles)}",
        f"img-src {' '.join(images)}",
        f"font-src {' '.join(own)}",
        f"connect-src {' '.join(connect)}",
        f"frame-src {' '.join(frames)}",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers to every
    response that does not set its own (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        stripe = bool(getattr(request, "csp_allow_stripe", False))
        response.headers.setdefault(
            "Permissions-Policy", PERMISSIONS_POLICY_STRIPE if stripe else PERMISSIONS_POLICY
        )
        if request.path.startswith(WITHOUT_CSP):
            return response
        header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "LOJISTA_CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        if "Content-Security-Policy" not in response.headers and header not in response.headers:
            response.headers[header] = content_security_policy(
                backoffice=request.path.startswith(BACKOFFICE), stripe=stripe
            )
        return response
