"""Structured request logs: a request id on every request, and one JSON
line per request when ``LOG_FORMAT=json`` (docs/operations.md, Observability).

The id comes from the incoming ``X-Request-ID`` when it looks like one (a
proxy or the client chose it), else it is made here; the response carries it
back, and every log record written while the request runs carries it too
(``RequestIdFilter``), so one grep finds all the lines of one request.
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

from lojista.core.http import client_address

REQUEST_ID_HEADER = "X-Request-ID"
# A sane id: what uuid4, ULIDs, nginx's $request_id and AWS trace ids look
# like; anything else (control characters, a log-injection attempt, a
# kilobyte of text) is replaced by an id of ours.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")

request_id_var: ContextVar[str | None] = ContextVar("lojista_request_id", default=None)

logger = logging.getLogger("lojista.request")


def incoming_request_id(value: str | None) -> str:
    """The request's id: ``value`` when it is sane, else a new uuid4 hex."""
    if value and _SANE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> Any:
    """The logged-in user's id: a session's user, or the API token's."""
    for user in (getattr(request, "auth", None), getattr(request, "user", None)):
        if user is not None and getattr(user, "is_authenticated", False):
            return user.pk
    return None


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that its duration covers all the others and
    every other middleware's log records carry the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            self._log(request, response.status_code, started)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _log(request: HttpRequest, status: int, started: float) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        # The path without its query string: query values may be secrets
        # (tokens in links), and the route names the endpoint without its ids.
        match = getattr(request, "resolver_match", None)
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path,
                "route": match.route if match else None,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "user_id": _user_id(request),
                "remote_addr": client_address(request),
            },
        )


class RequestIdFilter(logging.Filter):
    """Puts the running request's id (or None) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a 4xx/5xx answer after the middleware has returned,
            # with the request on the record.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


# The attributes every LogRecord has: the rest are a caller's ``extra``.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


_PLAIN = (str, int, float, bool, type(None))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id, the
    record's ``extra`` fields, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in vars(record).items():
            # Plain values only: Django's own records carry the request
            # object, whose text holds the query string.
            if key not in _RECORD_ATTRIBUTES and key not in line and isinstance(value, _PLAIN):
                line[key] = value
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)
