"""One HTTP POST of a webhook, with the standard library only.

- The host is resolved and every address checked first (safety.resolve);
  the connection goes to a checked address, while TLS checks the
  certificate against the host's name (SNI): no second lookup can point it
  elsewhere.
- Connecting may take CONNECT_TIMEOUT; the whole attempt, TOTAL_TIMEOUT at
  most: a watchdog closes the socket at the deadline, so a server that
  answers one byte at a time cannot hold the worker either.
- Redirects are not followed (a 3xx is a failure like any non-2xx), and at
  most RESPONSE_EXCERPT_BYTES of the answer are read.
"""

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lojista.extensions.order_webhooks.safety import Target, UnsafeURL, resolve

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
RESPONSE_EXCERPT_BYTES = 1024
USER_AGENT = "Lojista-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code (None when no answer came), the
    start of the answer, an error to show the owner ("" on success)."""

    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _connect(target: Target, deadline: float) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers."""
    error: OSError = OSError(_("The host has no address."))
    for address in target.addresses:
        timeout = min(CONNECT_TIMEOUT, deadline - time.monotonic())
        if timeout <= 0:
            raise TimeoutError()
        try:
            return socket.create_connection((address, target.port), timeout=timeout)
        except OSError as exc:
            error = exc
    raise error


class _Connection(http.client.HTTPConnection):
    """http.client over a socket we opened (to a checked address)."""

    def __init__(self, target: Target, sock: socket.socket, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.sock = sock

    def connect(self) -> None:  # never called: the socket is given
        raise OSError("not reconnecting")


def _wrap(target: Target, sock: socket.socket) -> socket.socket:
    if target.scheme != "https":
        return sock
    context = ssl.create_default_context()
    return context.wrap_socket(sock, server_hostname=target.host)


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        seconds = round(TOTAL_TIMEOUT)
        return ngettext(
            "No answer within %(seconds)d second.", "No answer within %(seconds)d seconds.", seconds
        ) % {"seconds": seconds}
    if isinstance(error, socket.gaierror):
        return _("The host name could not be resolved: %(error)s") % {"error": error.strerror or error}
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return _("TLS failed: %(error)s") % {"error": error}
    if isinstance(error, ConnectionRefusedError):
        return _("The connection was refused.")
    return f"{type(error).__name__}: {error}"[:500]


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body`` to ``url``; never raises for anything the network or the
    endpoint does."""
    started = time.monotonic()
    deadline = started + TOTAL_TIMEOUT

    def outcome(status: int | None = None, excerpt: str = "", error: str = "") -> Outcome:
        return Outcome(status, excerpt, error, int((time.monotonic() - started) * 1000))

    try:
        target = resolve(url)
    except UnsafeURL as exc:
        return outcome(error=str(exc))
    except (OSError, UnicodeError) as exc:
        return outcome(error=_describe(exc))
    sock: socket.socket | None = None
    timed_out = threading.Event()

    def cut() -> None:
        timed_out.set()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(TOTAL_TIMEOUT, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        sock = _connect(target, deadline)
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        sock = _wrap(target, sock)
        connection = _Connection(target, sock, timeout=TOTAL_TIMEOUT)
        try:
            connection.request("POST", target.path, body=body, headers={**headers, "Connection": "close"})
            response = connection.getresponse()
            excerpt = response.read(RESPONSE_EXCERPT_BYTES).decode("utf-8", errors="replace")
        finally:
            connection.close()
    except Exception as exc:
        if timed_out.is_set() or time.monotonic() >= deadline:
            return outcome(error=_describe(TimeoutError()))
        return outcome(error=_describe(exc))
    finally:
        watchdog.cancel()
        if sock is not None:
            sock.close()
    if timed_out.is_set():
        return outcome(error=_describe(TimeoutError()))
    status = response.status
    if 200 <= status < 300:
        return outcome(status, excerpt)
    if 300 <= status < 400:
        location = response.getheader("Location", "")[:300]
        error = _(
            "HTTP %(status)s: redirects are not followed (to %(location)s); register the final URL."
        ) % {
            "status": status,
            "location": location,
        }
        return outcome(status, excerpt, error)
    return outcome(status, excerpt, _("HTTP %(status)s.") % {"status": status})
