"""Public catalog endpoints: browse and search published products, each
variant with its live availability (decision 5: a router may compose the
selectors of inventory, which sits above catalog)."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router

from lojista.catalog import selectors
from lojista.catalog.models import Product, Variant
from lojista.catalog.schemas import ProductOut, ProductPageOut
from lojista.core.schemas import Error
from lojista.inventory.selectors import with_availability

router = Router(tags=["catalog"])


@router.get("/products", response={200: ProductPageOut, 422: Error})
def list_products(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=200, description="Words in a name, description or SKU.")] = "",
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> selectors.ProductPage:
    """Published products, newest first; follow `next_cursor` until it is null."""
    return selectors.product_page(
        q=q.strip(), cursor=cursor, limit=limit, variants=with_availability(Variant.objects.all())
    )


@router.get("/products/{slug}", response={200: ProductOut, 404: Error})
def get_product(request: HttpRequest, slug: str) -> Product:
    return selectors.product_by_slug(slug=slug, variants=with_availability(Variant.objects.all()))
