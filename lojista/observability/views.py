"""/metrics: Prometheus's text format, for the shop's operators only."""

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from lojista.observability.selectors import DatabaseCollector


def _bearer_token(request: HttpRequest) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


# Loopback and the private ranges (RFC 1918, IPv6 unique local): what
# Python's is_private also counts (documentation ranges…) is public here.
PRIVATE_NETWORKS = [
    ipaddress.ip_network(network)
    for network in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")
]


def _from_private_network(request: HttpRequest) -> bool:
    """The connection comes from a loopback or private address, and not
    through a proxy: a proxy on the same machine would make every public
    request look local (REMOTE_ADDR 127.0.0.1), so a forwarded request is public."""
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in PRIVATE_NETWORKS)


def allowed(request: HttpRequest) -> bool:
    token = settings.LOJISTA_METRICS_TOKEN
    if token:
        return hmac.compare_digest(_bearer_token(request).encode(), token.encode())
    return _from_private_network(request)


def _process_counters() -> bytes:
    """The counters: this process's, or every process's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def metrics(request: HttpRequest) -> HttpResponse:
    """404 (as if there were nothing here) to whoever may not read it."""
    if not allowed(request):
        raise Http404
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    body = _process_counters() + generate_latest(database)
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
