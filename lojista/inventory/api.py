"""Back-office stock endpoints: count a variant's stock, or adjust it."""

from django.http import HttpRequest
from ninja import Path, Router

from lojista.catalog.models import Variant
from lojista.core.schemas import Error
from lojista.customers.auth import staff_auth
from lojista.customers.models import User
from lojista.inventory.schemas import StockAdjustIn, StockSetIn, VariantStockOut
from lojista.inventory.selectors import available_quantity, variant_stock_get
from lojista.inventory.services import stock_adjust, stock_set

router = Router(tags=["admin: stock"])

# Variant ids are bigints: a larger id could not name a variant.
VariantId = Path(ge=1, le=2**63 - 1)

STAFF_ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}


def _staff_member(request: HttpRequest) -> User | None:
    """Who the stock history names: staff_auth puts the token's user on the request."""
    return request.user if isinstance(request.user, User) else None


def _variant_out(variant: Variant) -> VariantStockOut:
    return VariantStockOut(
        id=variant.pk,
        sku=variant.sku,
        name=variant.name,
        product_slug=variant.product_slug,  # type: ignore[attr-defined]
        track_stock=variant.track_stock,
        on_hand=variant.on_hand,  # type: ignore[attr-defined]
        reserved=variant.reserved,  # type: ignore[attr-defined]
        available_quantity=available_quantity(variant),
    )


@router.put(
    "/admin/variants/{variant_id}/stock", auth=staff_auth, response={200: VariantStockOut, **STAFF_ERRORS}
)
def variant_stock_set(request: HttpRequest, payload: StockSetIn, variant_id: int = VariantId):
    """Set the units on hand (a stock count); the variant's stock is tracked from then on."""
    stock_set(
        variant_id=variant_id,
        quantity=payload.quantity,
        reason=payload.reason,
        note=payload.note,
        actor=_staff_member(request),
    )
    return _variant_out(variant_stock_get(variant_id=variant_id))


@router.post(
    "/admin/variants/{variant_id}/stock/adjust",
    auth=staff_auth,
    response={200: VariantStockOut, 409: Error, **STAFF_ERRORS},
)
def variant_stock_adjust(request: HttpRequest, payload: StockAdjustIn, variant_id: int = VariantId):
    """Add units received (positive ``delta``) or remove broken ones (negative);
    `409 stock_would_go_negative` if fewer than zero would be left."""
    stock_adjust(
        variant_id=variant_id,
        delta=payload.delta,
        reason=payload.reason,
        note=payload.note,
        actor=_staff_member(request),
    )
    return _variant_out(variant_stock_get(variant_id=variant_id))
