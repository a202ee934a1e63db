"""Public catalog endpoints: browse and search published products, each
variant with its live availability (decision 5: a router may compose the
selectors of inventory, which sits above catalog)."""

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router
from ninja.renderers import JSONRenderer

from lojista.catalog import selectors
from lojista.catalog.listing_cache import cached_listing
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
) -> selectors.ProductPage | HttpResponse:
    """Published products, newest first; follow `next_cursor` until it is null."""
    if q.strip():
        return _page(q=q.strip(), cursor=cursor, limit=limit)

    # Without a search, the same for every client: kept as the JSON it
    # renders to (catalog.listing_cache). An invalid cursor raises before
    # anything is kept.
    def render() -> bytes:
        page = ProductPageOut.model_validate(_page(q="", cursor=cursor, limit=limit))
        return JSONRenderer().render(request, page.model_dump(), response_status=200)

    body = cached_listing(("api", get_language(), cursor, limit), render)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _page(*, q: str, cursor: str | None, limit: int) -> selectors.ProductPage:
    return selectors.product_page(
        q=q, cursor=cursor, limit=limit, variants=with_availability(Variant.objects.all())
    )


@router.get("/products/{slug}", response={200: ProductOut, 404: Error})
def get_product(request: HttpRequest, slug: str) -> Product:
    return selectors.product_by_slug(slug=slug, variants=with_availability(Variant.objects.all()))
