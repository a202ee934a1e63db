"""Reads of stock availability."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from lojista.catalog.errors import ProductNotFound
from lojista.catalog.models import Product, Variant
from lojista.catalog.selectors import ProductPage, matching
from lojista.core.pagination import keyset_page
from lojista.inventory.errors import VariantNotFound
from lojista.inventory.models import Reservation, StockMovement


def active_reserved_subquery(exclude_key: str | None = None) -> Subquery:
    """Units held by unexpired reservations of the outer variant (0 when none)."""
    reservations = Reservation.objects.filter(variant=OuterRef("pk"), expires_at__gt=timezone.now())
    if exclude_key is not None:
        reservations = reservations.exclude(key=exclude_key)
    total = reservations.order_by().values("variant").annotate(total=Sum("quantity")).values("total")
    return Subquery(total, output_field=IntegerField())


def active_reserved_by_variant(
    *, variant_ids: Iterable[int], exclude_key: str | None = None
) -> dict[int, int]:
    """Units held by unexpired reservations, per variant (absent when none), in
    one aggregate query; ``exclude_key``'s own holds are left out. Written by
    hand (decision 227): every stock hold and sale runs it under the stock
    rows' locks, and the ORM's building of it was most of its CPU."""
    ids = list(variant_ids)
    if not ids:
        return {}
    quote = connection.ops.quote_name
    sql = (
        f"SELECT variant_id, SUM(quantity) FROM {quote(Reservation._meta.db_table)}"  # noqa: S608
        f" WHERE variant_id IN ({', '.join(['%s'] * len(ids))}) AND expires_at > %s"
    )
    params: list[Any] = [*ids, connection.ops.adapt_datetimefield_value(timezone.now())]
    if exclude_key is not None:
        sql += f" AND {quote('key')} <> %s"
        params.append(exclude_key)
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY variant_id", params)
        return dict(cursor.fetchall())


def with_availability(variants: QuerySet[Variant], exclude_key: str | None = None) -> QuerySet[Variant]:
    """Annotate ``available_quantity``: on hand minus active holds, never below
    zero; ``None`` for variants whose stock is not tracked. One query.
    ``exclude_key``'s own holds are not taken off."""
    return variants.annotate(
        on_hand=Coalesce(F("stock__quantity"), Value(0)),
        reserved=Coalesce(active_reserved_subquery(exclude_key), Value(0)),
        available_quantity_raw=Greatest(F("on_hand") - F("reserved"), Value(0)),
    )


def available_quantity(variant: Variant) -> int | None:
    """``available_quantity`` of an annotated variant (None when untracked)."""
    return variant.available_quantity_raw if variant.track_stock else None  # type: ignore[attr-defined]


def is_in_stock(variant: Variant) -> bool:
    """Untracked variants never run out; tracked ones need an available unit
    (``variant`` annotated by ``with_availability``)."""
    quantity = available_quantity(variant)
    return quantity is None or quantity > 0


def variant_stock_get(*, variant_id: int) -> Variant:
    """One variant with its product's slug and its stock figures (``on_hand``,
    ``reserved``, ``available_quantity_raw``) annotated, for the back office."""
    variant = (
        with_availability(Variant.objects.filter(pk=variant_id))
        .annotate(product_slug=F("product__slug"))
        .first()
    )
    if variant is None:
        raise VariantNotFound([variant_id])
    return variant


def low_stock_variants(*, threshold: int | None = None) -> QuerySet[Variant]:
    """Tracked variants with ``threshold`` units available or fewer (the
    shop's LOJISTA_LOW_STOCK_THRESHOLD by default), the emptiest first: what
    the merchant should restock. Annotated like ``with_availability``."""
    limit = settings.LOJISTA_LOW_STOCK_THRESHOLD if threshold is None else threshold
    variants = Variant.objects.filter(track_stock=True).select_related("product")
    return (
        with_availability(variants)
        .filter(available_quantity_raw__lte=limit)  # type: ignore[misc]  # an annotation, unseen by the stubs
        .order_by("available_quantity_raw", "id")
    )


def stock_history(*, variant_ids: Iterable[int], limit: int = 50) -> list[StockMovement]:
    """The latest ``limit`` stock movements of ``variant_ids``, newest first,
    with who made them and which variant they moved: one query."""
    movements = StockMovement.objects.filter(variant_id__in=list(variant_ids)).select_related(
        "actor", "variant"
    )
    return list(movements.order_by("-id")[:limit])


def _stocked_variants() -> QuerySet[Variant]:
    """Every variant, published or not, in its product's order, with its stock figures."""
    return with_availability(Variant.objects.order_by("position", "id"))


def product_with_stock(*, product_id: int) -> Product:
    """One product, published or not, its variants (all of them) as
    ``stocked_variants``, each annotated like ``with_availability``: the
    back office's product page. Raises ProductNotFound."""
    product = (
        Product.objects.filter(pk=product_id)
        .prefetch_related(Prefetch("variants", queryset=_stocked_variants(), to_attr="stocked_variants"))
        .first()
    )
    if product is None:
        raise ProductNotFound()
    return product


def stocked_product_page(
    *, q: str = "", low_stock: bool = False, cursor: str | None = None, limit: int = 25
) -> ProductPage:
    """One page of every product (drafts too), newest first, each with its
    variants as ``stocked_variants`` (annotated like ``with_availability``):
    the back office's product list, in two queries at any depth. ``q``
    matches a name, a description or any variant's SKU or name; ``low_stock``
    keeps the products with a variant ``low_stock_variants`` names."""
    products: QuerySet[Product] = Product.objects.prefetch_related(
        Prefetch("variants", queryset=_stocked_variants(), to_attr="stocked_variants")
    )
    if q:
        products = matching(products, q, published_variants_only=False)
    if low_stock:
        products = products.filter(Exists(low_stock_variants().filter(product=OuterRef("pk"))))
    return keyset_page(products, order=("-id",), cursor=cursor, limit=limit)


def is_low_stock(variant: Variant, *, threshold: int | None = None) -> bool:
    """Whether an annotated variant is one ``low_stock_variants`` names:
    tracked, with ``threshold`` units available or fewer."""
    limit = settings.LOJISTA_LOW_STOCK_THRESHOLD if threshold is None else threshold
    quantity = available_quantity(variant)
    return quantity is not None and quantity <= limit
