"""Reads of the order webhooks: endpoints with their last delivery, and an
endpoint's delivery log (keyset-paginated, newest first)."""

from django.db.models import OuterRef, QuerySet, Subquery

from lojista.core.pagination import Page, keyset_page
from lojista.extensions.order_webhooks.errors import DeliveryNotFound, EndpointNotFound
from lojista.extensions.order_webhooks.models import Delivery, Endpoint

DeliveryPage = Page[Delivery]


def _with_last_delivery(endpoints: QuerySet[Endpoint]) -> QuerySet[Endpoint]:
    """Each endpoint with its newest delivery's status, status code and time
    (``last_delivery_*``; None without one), in the same query."""
    last = Delivery.objects.filter(endpoint=OuterRef("pk")).order_by("-id")
    return endpoints.annotate(
        last_delivery_status=Subquery(last.values("status")[:1]),
        last_delivery_status_code=Subquery(last.values("last_status_code")[:1]),
        last_delivery_at=Subquery(last.values("created_at")[:1]),
    )


def endpoint_list() -> list[Endpoint]:
    """Every endpoint, oldest first, with its last delivery: one query."""
    return list(_with_last_delivery(Endpoint.objects.all()).order_by("id"))


def endpoint_get(*, endpoint_id: int) -> Endpoint:
    endpoint = _with_last_delivery(Endpoint.objects.filter(pk=endpoint_id)).first()
    if endpoint is None:
        raise EndpointNotFound()
    return endpoint


def delivery_get(*, delivery_id: int) -> Delivery:
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        raise DeliveryNotFound()
    return delivery


def delivery_page(
    *, endpoint: Endpoint, status: str | None = None, cursor: str | None = None, limit: int = 50
) -> DeliveryPage:
    """``endpoint``'s deliveries, newest first (``status``: only those): one
    query per page however deep, through the (endpoint, id) index."""
    deliveries = Delivery.objects.filter(endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    return keyset_page(deliveries, order=("-id",), cursor=cursor, limit=limit)
