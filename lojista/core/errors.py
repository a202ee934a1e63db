"""Domain errors: typed exceptions mapped once (in lojista/api.py) to HTTP.

Each error has a stable snake_case ``code`` that clients can switch on, an
HTTP ``status`` and a human, translated ``message``. Apps subclass these in
their own ``errors.py``.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status: int = 400
    code: str = "bad_request"
    default_message: Any = _("The request could not be processed.")
    # Seconds after which the same request may succeed: sent as Retry-After.
    retry_after: int | None = None

    def __init__(self, message: Any = None, *, details: dict[str, Any] | None = None):
        self.message = message if message is not None else self.default_message
        self.details = details or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"
    default_message = _("Some fields are invalid.")

    @classmethod
    def field(cls, name: str, message: Any) -> "InvalidInput":
        """One invalid field, in the same shape as a schema validation error;
        its message is also the error's message."""
        return cls(message, details={"fields": {name: [str(message)]}})


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = _("Authentication is required.")


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The request conflicts with the current state.")


class Throttled(DomainError):
    status = 429
    code = "too_many_requests"
    default_message = _("Too many requests. Try again later.")

    def __init__(self, message: Any = None, *, retry_after: int, details: dict[str, Any] | None = None):
        self.retry_after = retry_after
        super().__init__(message, details={"retry_after": retry_after, **(details or {})})


class MethodNotAllowed(DomainError):
    status = 405
    code = "method_not_allowed"
    default_message = _("This method is not allowed here.")


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    default_message = _("The request body is too large.")


class ServerError(DomainError):
    status = 500
    code = "server_error"
    default_message = _("Something went wrong on our side. Try again later.")


class ExtensionNotFound(NotFound):
    code = "extension_not_found"
    default_message = _("No such extension.")
