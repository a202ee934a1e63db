"""The order webhooks' endpoints (owner only), mounted at /api/v1/ by the
glue (404 while the extension is uninstalled). The back office's pages call
the same services and selectors."""

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from lojista.core.schemas import Error
from lojista.customers.auth import owner_auth
from lojista.extensions.order_webhooks import selectors, services
from lojista.extensions.order_webhooks.models import Delivery, Endpoint
from lojista.extensions.order_webhooks.schemas import (
    DeliveryOut,
    DeliveryPageOut,
    EndpointIn,
    EndpointOut,
    EndpointPatchIn,
)

router = Router(tags=["webhooks"], auth=owner_auth)

ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}
MAX_ID = 2**63 - 1
EndpointId = Path(ge=1, le=MAX_ID, description="The endpoint's id.")
DeliveryId = Path(ge=1, le=MAX_ID, description="The delivery's id.")


def _endpoint(endpoint_id: int) -> Endpoint:
    return selectors.endpoint_get(endpoint_id=endpoint_id)


@router.get("/admin/webhooks", response={200: list[EndpointOut], **ERRORS})
def list_endpoints(request: HttpRequest) -> list[Endpoint]:
    """Every endpoint, oldest first, each with its last delivery."""
    return selectors.endpoint_list()


@router.post("/admin/webhooks", response={201: EndpointOut, 409: Error, **ERRORS})
def create_endpoint(request: HttpRequest, payload: EndpointIn) -> Status:
    """Register an endpoint; the answer holds its signing `secret`. `422`
    naming `url` for a URL the shop may not send to (not https, localhost, a
    private address…); `409 too_many_webhook_endpoints` past 20."""
    endpoint = services.endpoint_create(
        url=payload.url, events=payload.events, description=payload.description
    )
    return Status(201, _endpoint(endpoint.pk))


@router.get("/admin/webhooks/{endpoint_id}", response={200: EndpointOut, **ERRORS})
def get_endpoint(request: HttpRequest, endpoint_id: int = EndpointId) -> Endpoint:
    return _endpoint(endpoint_id)


@router.patch("/admin/webhooks/{endpoint_id}", response={200: EndpointOut, **ERRORS})
def patch_endpoint(request: HttpRequest, payload: EndpointPatchIn, endpoint_id: int = EndpointId) -> Endpoint:
    """Change the fields given. `is_active: true` on a disabled endpoint
    clears its failures and sends the deliveries that waited."""
    services.endpoint_update(endpoint=_endpoint(endpoint_id), **payload.dict(exclude_unset=True))
    return _endpoint(endpoint_id)


@router.delete("/admin/webhooks/{endpoint_id}", response={204: None, **ERRORS})
def delete_endpoint(request: HttpRequest, endpoint_id: int = EndpointId) -> Status:
    """Delete the endpoint and its delivery log."""
    services.endpoint_delete(endpoint=_endpoint(endpoint_id))
    return Status(204, None)


@router.post("/admin/webhooks/{endpoint_id}/rotate-secret", response={200: EndpointOut, **ERRORS})
def rotate_secret(request: HttpRequest, endpoint_id: int = EndpointId) -> Endpoint:
    """A new signing secret, used from now on (retries included)."""
    services.endpoint_rotate_secret(endpoint=_endpoint(endpoint_id))
    return _endpoint(endpoint_id)


@router.post("/admin/webhooks/{endpoint_id}/test", response={202: DeliveryOut, 409: Error, **ERRORS})
def test_endpoint(request: HttpRequest, endpoint_id: int = EndpointId) -> Status:
    """Send the endpoint a `ping` event now (the outcome is in its
    deliveries); `409 webhook_endpoint_disabled` while it is off."""
    return Status(202, services.endpoint_ping(endpoint=_endpoint(endpoint_id)))


@router.get("/admin/webhooks/{endpoint_id}/deliveries", response={200: DeliveryPageOut, **ERRORS})
def list_deliveries(
    request: HttpRequest,
    endpoint_id: int = EndpointId,
    status: Delivery.Status | None = None,
    cursor: str | None = Query(None, description="`next_cursor` of the previous page."),
    limit: int = Query(50, ge=1, le=100),
) -> selectors.DeliveryPage:
    """The endpoint's deliveries, newest first (`?status=failed`: those that gave up)."""
    return selectors.delivery_page(endpoint=_endpoint(endpoint_id), status=status, cursor=cursor, limit=limit)


@router.post(
    "/admin/webhooks/deliveries/{delivery_id}/retry", response={200: DeliveryOut, 409: Error, **ERRORS}
)
def retry_delivery(request: HttpRequest, delivery_id: int = DeliveryId) -> Delivery:
    """Send a failed or waiting delivery now (a failed one with a fresh set
    of attempts); `409 webhook_delivery_not_retryable` for one delivered or
    being sent, `409 webhook_endpoint_disabled` while its endpoint is off."""
    return services.delivery_retry(delivery=selectors.delivery_get(delivery_id=delivery_id))
