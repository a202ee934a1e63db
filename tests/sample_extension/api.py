"""Mounted at /api/v1/ by the glue (404 while uninstalled, before authentication)."""

from django.http import HttpRequest
from ninja import Router, Schema

from lojista.core.schemas import Error
from lojista.customers.auth import staff_auth

router = Router(tags=["sample extension"], auth=staff_auth)


class PingOut(Schema):
    pong: bool


# Out of the OpenAPI document (docs/api.md lists the shop's endpoints, not the
# tests'), hence not under /admin/ either (tests/customers/test_roles.py
# checks that every /admin/ operation is documented with its role).
@router.get(
    "/sample-extension/ping", response={200: PingOut, 401: Error, 403: Error}, include_in_schema=False
)
def ping(request: HttpRequest) -> dict[str, bool]:
    return {"pong": True}
