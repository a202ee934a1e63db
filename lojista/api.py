"""The public JSON API, version 1: one NinjaAPI, one router per app.

Errors are mapped here, once, to the contract's body
``{"code", "message", "details"}``.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lojista.carts.api import router as carts_router
from lojista.catalog.api import router as catalog_router
from lojista.checkout.api import router as checkout_router
from lojista.core.errors import DomainError, InvalidInput, NotAuthenticated, NotFound
from lojista.customers.api import router as customers_router
from lojista.inventory.api import router as inventory_router
from lojista.notifications.api import router as notifications_router
from lojista.orders.api import router as orders_router
from lojista.orders.completion_api import router as completion_router
from lojista.payments.api import router as payments_router

api = NinjaAPI(
    title="Lojista API",
    version="1",
    description="The public JSON API of a Lojista shop. See docs/api.md for a walk-through.",
    urls_namespace="api-v1",
)


def error_response(request: HttpRequest, status: int, code: str, message: Any, details: dict | None = None):
    return api.create_response(
        request, {"code": code, "message": str(message), "details": details or {}}, status=status
    )


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
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
        fields.setdefault(_field_name(error.get("loc", ())), []).append(error.get("msg", ""))
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


api.add_router("/", customers_router)
api.add_router("/", catalog_router)
api.add_router("/", inventory_router)
api.add_router("/", carts_router)
api.add_router("/", checkout_router)
api.add_router("/", payments_router)
api.add_router("/", orders_router)
api.add_router("/", completion_router)
api.add_router("/", notifications_router)
