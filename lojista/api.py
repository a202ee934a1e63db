"""The public JSON API, version 1: one NinjaAPI, one router per app.

Errors are mapped here, once, to the contract's body
``{"code", "message", "details"}``: the domain errors, validation, and (through
``ApiMiddleware``) whatever Django answers under /api/ before or around the
API's views (unknown path, wrong method, body too large, a crash).
"""

import functools
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lojista.backoffice.api import router as extension_store_router
from lojista.carts.api import router as carts_router
from lojista.catalog.api import router as catalog_router
from lojista.checkout.api import router as checkout_router
from lojista.core import metrics
from lojista.core.errors import (
    DomainError,
    InvalidInput,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    ServerError,
)
from lojista.core.extensions import extension_api_routers
from lojista.core.schemas import document_text_rule
from lojista.core.validation import (
    CONTROL_CHARACTERS_MESSAGE,
    TEXT_PATTERN,
    has_control_characters,
    validation_message,
)
from lojista.customers.api import router as customers_router
from lojista.inventory.api import router as inventory_router
from lojista.notifications.api import router as notifications_router
from lojista.orders.api import router as orders_router
from lojista.orders.completion_api import router as completion_router
from lojista.payments.api import router as payments_router

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def _error_doc(description: Any) -> dict[str, Any]:
    return {
        "description": str(description),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


class LojistaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The document also lists the errors every operation of a kind can
        answer, so that each operation does not have to repeat them."""
        schema = super().get_openapi_schema(**kwargs)
        for operation in _operations(schema):
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault("400", _error_doc("`bad_request`: the body is not JSON."))
                responses.setdefault("413", _error_doc("`payload_too_large`: the body is over the limit."))
            if "requestBody" in operation or operation.get("parameters"):
                responses.setdefault("422", _error_doc("`invalid_input`: `details.fields` names each field."))
            for parameter in operation.get("parameters", []):
                document_text_rule(parameter.get("schema", {}), TEXT_PATTERN)
        return schema

    def validation_error_from_error_contexts(self, error_contexts: list[Any]) -> ValidationError:
        """Ninja's, keeping the length of a text that is too long or too short
        (``input_length``: the message says it) but never the input itself."""
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                source = (model.__ninja_param_source__,)
                error["loc"] = source + model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
                value = error.pop("input", None)
                if isinstance(value, str):
                    error["input_length"] = len(value)
                if isinstance(error.get("ctx", {}).get("error"), Exception):
                    error["ctx"]["error"] = str(error["ctx"]["error"])
                errors.append(dict(error))
        return ValidationError(errors)


def _operations(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for path_item in schema.get("paths", {}).values():
        yield from path_item.values()


api = LojistaAPI(
    title="Lojista API",
    version="1",
    description="The public JSON API of a Lojista shop. See docs/api.md for a walk-through.",
    urls_namespace="api-v1",
)


def error_response(request: HttpRequest, status: int, code: str, message: Any, details: dict | None = None):
    return api.create_response(
        request, {"code": code, "message": str(message), "details": details or {}}, status=status
    )


# The routes whose refusals /metrics counts (lojista_checkout_failures), by step.
_CHECKOUT_STEPS = {"/checkout": "start", "/complete": "complete"}


def _count_checkout_failure(request: HttpRequest, code: str) -> None:
    route = request.resolver_match.route if request.resolver_match else ""
    for suffix, step in _CHECKOUT_STEPS.items():
        if request.method == "POST" and route.endswith(suffix):
            metrics.CHECKOUT_FAILURES.labels(step=step, code=code).inc()


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    _count_checkout_failure(request, exc.code)
    response = error_response(request, exc.status, exc.code, exc.message, exc.details)
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_name(loc: list | tuple) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in _LOCATIONS:
        location, parts = parts[0], parts[1:]
        # Ninja nests a body schema under its parameter name: drop it.
        if location == "body" and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(validation_message(error))
    return domain_error(request, InvalidInput(details={"fields": fields}))


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return domain_error(request, NotAuthenticated())


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return domain_error(request, NotFound())


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "bad_request", exc.message)


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return domain_error(request, _payload_too_large())


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback, answered without it (DEBUG or not)."""
    logger.error("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return domain_error(request, ServerError())


def _max_body_bytes() -> int:
    """The largest body the API reads: its own limit, or Django's when that
    is smaller (Django refuses the body itself above it)."""
    django_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    api_limit: int = settings.LOJISTA_API_MAX_BODY_BYTES
    return api_limit if django_limit is None else min(api_limit, django_limit)


def _payload_too_large() -> PayloadTooLarge:
    return PayloadTooLarge(details={"max_bytes": _max_body_bytes()})


# What Django itself answers (not JSON) becomes the same error as the API's own.
_ERRORS_BY_STATUS: dict[int, Callable[[], DomainError]] = {
    400: DomainError,
    401: NotAuthenticated,
    403: PermissionDenied,
    404: NotFound,
    405: MethodNotAllowed,
    413: _payload_too_large,
}
# Headers of the original answer that the JSON one keeps.
_KEPT_HEADERS = ("Allow", "Retry-After")


class ApiMiddleware:
    """Everything under /api/ answers errors as ``{code, message, details}`` JSON.

    Before the view: a body over ``API_MAX_BODY_BYTES`` is `413`, and control
    characters in a path, query or header parameter are `422` (the rule
    InputSchema applies to bodies). After it: an error Django answered in
    HTML or text (unknown path, wrong method, a crash, DEBUG's pages) becomes
    the JSON error of its status, without any traceback. Put it first in
    MIDDLEWARE so that it also sees what the other middleware answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        error = _body_size_error(request)
        response = _localized_error(request, error) if error else self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            response = _as_json_error(request, response)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if not request.path_info.startswith(API_PREFIX):
            return None
        fields = dict(_parameters_with_control_characters(request, view_kwargs))
        if not fields:
            return None
        return _localized_error(request, InvalidInput(details={"fields": fields}))


def _body_size_error(request: HttpRequest) -> DomainError | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return DomainError(_("The Content-Length header is not a number."))
    return _payload_too_large() if length > _max_body_bytes() else None


def _parameters_with_control_characters(
    request: HttpRequest, path_params: dict[str, Any]
) -> Iterator[tuple[str, list[str]]]:
    message = [str(CONTROL_CHARACTERS_MESSAGE)]
    for name, value in path_params.items():
        if isinstance(value, str) and has_control_characters(value):
            yield name, message
    for name, values in request.GET.lists():
        if has_control_characters(name) or any(has_control_characters(value) for value in values):
            yield name, message
    for name in _header_parameters():
        value = request.headers.get(name)
        if value is not None and has_control_characters(value):
            yield name, message


@functools.cache
def _header_parameters() -> frozenset[str]:
    """The headers some operation reads as a parameter (e.g. Idempotency-Key)."""
    schema = api.get_openapi_schema(path_prefix="")
    return frozenset(
        parameter["name"]
        for operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "header"
    )


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _as_json_error(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    status = response.status_code
    error = _ERRORS_BY_STATUS.get(status, ServerError if status >= 500 else DomainError)()
    json_response = _localized_error(request, error)
    json_response.status_code = status
    for header in _KEPT_HEADERS:
        if header in response:
            json_response[header] = response[header]
    return json_response


def _localized_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    # This middleware may answer before LocaleMiddleware has run.
    with translation.override(translation.get_language_from_request(request)):
        return domain_error(request, error)


api.add_router("/", customers_router)
api.add_router("/", catalog_router)
api.add_router("/", inventory_router)
api.add_router("/", carts_router)
api.add_router("/", checkout_router)
api.add_router("/", payments_router)
api.add_router("/", orders_router)
api.add_router("/", completion_router)
api.add_router("/", notifications_router)
api.add_router("/", extension_store_router)
# Installed extensions' endpoints (core.extensions: 404 while uninstalled).
for extension_router in extension_api_routers():
    api.add_router("/", extension_router)
