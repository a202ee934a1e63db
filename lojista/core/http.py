from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address, read through ``TRUSTED_PROXIES`` proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the
    client is the n-th entry from the right; anything left of it may be forged.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.LOJISTA_TRUSTED_PROXIES
    if hops <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    return forwarded[-hops] if len(forwarded) >= hops else remote
