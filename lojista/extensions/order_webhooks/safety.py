"""Where a webhook may be sent (docs/webhooks.md, "Safety").

The shop's server POSTs to URLs its owner types, so a URL must not reach
what only the server can: itself (localhost), the shop's network (private
addresses), the cloud's metadata service (link-local 169.254.169.254)… In
production (``WEBHOOKS_ALLOW_PRIVATE_URLS`` off) an endpoint is
``https://`` on a public address, checked twice:

- when it is registered (``check_url``): its form, and each address its
  host resolves to now, so the owner is told at once;
- before every attempt (``resolve``): the host is resolved again, every
  address checked, and the connection made to a checked address (not to
  the name again), so a name that changes its answer in between (DNS
  rebinding) cannot point a delivery inside.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from lojista.core.errors import InvalidInput
from lojista.extensions.order_webhooks.models import URL_MAX_LENGTH

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURL(Exception):
    """The URL may not be delivered to; the message says why, to the owner."""


@dataclass(frozen=True)
class Target:
    """Where one attempt goes: the URL's parts, and the checked addresses to connect to."""

    scheme: str
    host: str
    port: int
    path: str  # with the query
    addresses: list[str]


def private_urls_allowed() -> bool:
    return bool(settings.WEBHOOKS_ALLOW_PRIVATE_URLS)


def is_public(address: Address) -> bool:
    """A globally routable unicast address: not loopback, private, link-local,
    multicast, reserved, unspecified or shared (carrier-grade NAT)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified or address.is_link_local
    )


def _parts(url: str) -> SplitResult:
    """The URL's parts, if it is an http(s) URL as the shop sends to; UnsafeURL otherwise."""
    if len(url) > URL_MAX_LENGTH:
        raise UnsafeURL(_("The URL is too long."))
    if any(character.isspace() or ord(character) < 32 for character in url):
        raise UnsafeURL(_("Enter a URL without spaces."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL(_("Enter a valid URL, such as https://example.com/webhooks.")) from None
    allowed = ("https", "http") if private_urls_allowed() else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise UnsafeURL(_("Enter an https:// URL, such as https://example.com/webhooks."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(_("Enter the URL without a user name or password."))
    if parts.fragment:
        raise UnsafeURL(_("Enter the URL without a #fragment."))
    if port == 0:
        raise UnsafeURL(_("Enter a valid URL, such as https://example.com/webhooks."))
    return parts


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_local_name(host: str) -> bool:
    host = host.rstrip(".").lower()
    return host == "localhost" or host.endswith(".localhost")


def _refuse_address(address: Address) -> None:
    if not is_public(address):
        raise UnsafeURL(
            _("%(address)s is not a public internet address: the shop only sends webhooks to public servers.")
            % {"address": address}
        )


def _resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _check_addresses(addresses: list[str]) -> None:
    for address in addresses:
        _refuse_address(ipaddress.ip_address(address.split("%")[0]))


def check_url(url: str, *, field: str = "url") -> None:
    """Raise InvalidInput naming ``field`` unless the shop may send to ``url``
    (registration). A name that does not resolve (yet) is accepted: its
    addresses are checked before each attempt."""
    try:
        parts = _parts(url)
        host = parts.hostname or ""
        if private_urls_allowed():
            return
        if _is_local_name(host):
            raise UnsafeURL(_("localhost is not allowed: the shop only sends webhooks to public servers."))
        literal = _literal(host)
        if literal is not None:
            _refuse_address(literal)
            return
        try:
            addresses = _resolve(host, parts.port or 443)
        except (OSError, UnicodeError):
            return
        _check_addresses(addresses)
    except UnsafeURL as error:
        raise InvalidInput.field(field, str(error)) from None


def resolve(url: str) -> Target:
    """Where an attempt to ``url`` connects: its host resolved now and every
    address checked (UnsafeURL when one is not allowed; OSError when the name
    does not resolve)."""
    parts = _parts(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not private_urls_allowed() and _is_local_name(host):
        raise UnsafeURL(_("localhost is not allowed: the shop only sends webhooks to public servers."))
    literal = _literal(host)
    addresses = [str(literal)] if literal is not None else _resolve(host, port)
    if not private_urls_allowed():
        _check_addresses(addresses)
    return Target(scheme=parts.scheme, host=host, port=port, path=path, addresses=addresses)
