"""Products, their variants and stock: the list (search, low stock), a
product's page (its details, variants with on hand / held / available, the
stock forms and the stock history), and the variant forms.

Each view parses a form and calls one catalog or inventory service or
selector, the same the JSON API calls; nothing is deleted (decision
"Unpublish, never delete")."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lojista.catalog.errors import ProductNotFound
from lojista.catalog.models import Product, Variant
from lojista.catalog.services import product_create, product_update, variant_create, variant_update
from lojista.core.errors import DomainError, InvalidInput
from lojista.customers.models import User
from lojista.customers.web import staff_required
from lojista.inventory.errors import StockWouldGoNegative
from lojista.inventory.selectors import (
    available_quantity,
    is_low_stock,
    product_with_stock,
    stock_history,
    stocked_product_page,
)
from lojista.inventory.services import stock_adjust, stock_set

from ..forms import add_domain_error
from ..product_forms import ProductForm, ProductSearchForm, StockForm, VariantForm

PAGE_SIZE = 25
HISTORY_LENGTH = 50


@dataclass(frozen=True)
class ProductRow:
    """A product as the list shows it, from its prefetched ``stocked_variants``."""

    product: Product
    variant_count: int
    lowest_price: Decimal | None
    highest_price: Decimal | None
    # Units available over the tracked variants; None when none is tracked.
    available: int | None
    low_stock: bool

    @classmethod
    def of(cls, product: Product) -> "ProductRow":
        variants: list[Variant] = product.stocked_variants  # type: ignore[attr-defined]
        prices = [variant.price for variant in variants]
        tracked = [quantity for v in variants if (quantity := available_quantity(v)) is not None]
        return cls(
            product=product,
            variant_count=len(variants),
            lowest_price=min(prices, default=None),
            highest_price=max(prices, default=None),
            available=sum(tracked) if tracked else None,
            low_stock=any(is_low_stock(variant) for variant in variants),
        )


@require_GET
@staff_required
def products(request: HttpRequest) -> HttpResponse:
    form = ProductSearchForm(request.GET)
    search = form.search()
    status = 200
    try:
        page = stocked_product_page(
            q=search.q, low_stock=search.low_stock, cursor=search.cursor or None, limit=PAGE_SIZE
        )
    except InvalidInput:
        # A cursor edited by hand: the first page, and why.
        messages.error(request, _("That page link is not valid any more; here is the first page."))
        page = stocked_product_page(q=search.q, low_stock=search.low_stock, limit=PAGE_SIZE)
        status = 400
    context = {
        "rows": [ProductRow.of(product) for product in page.items],
        "next_cursor": page.next_cursor,
        "search": search,
        "threshold": settings.LOJISTA_LOW_STOCK_THRESHOLD,
        "currency": settings.LOJISTA_CURRENCY,
    }
    return render(request, "backoffice/products/list.html", context, status=status)


def _product_or_404(product_id: int) -> Product:
    try:
        return product_with_stock(product_id=product_id)
    except ProductNotFound:
        raise Http404 from None


def _variant_of(product: Product, variant_id: int) -> Variant:
    for variant in product.stocked_variants:  # type: ignore[attr-defined]
        if variant.pk == variant_id:
            return variant
    raise Http404


def _staff_member(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@dataclass(frozen=True)
class VariantStock:
    """A variant on the product page, with its stock form."""

    variant: Variant
    available: int | None
    low_stock: bool
    form: StockForm


def _product_page(
    request: HttpRequest,
    product: Product,
    *,
    form: ProductForm | None = None,
    stock_forms: dict[int, StockForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    variants: list[Variant] = product.stocked_variants  # type: ignore[attr-defined]
    bound = stock_forms or {}
    context = {
        "product": product,
        "form": form or ProductForm(initial=ProductForm.initial_of(product)),
        "variants": [
            VariantStock(
                variant=variant,
                available=available_quantity(variant),
                low_stock=is_low_stock(variant),
                form=bound.get(variant.pk) or StockForm(prefix=f"stock-{variant.pk}"),
            )
            for variant in variants
        ],
        "history": stock_history(variant_ids=[variant.pk for variant in variants], limit=HISTORY_LENGTH),
        "currency": settings.LOJISTA_CURRENCY,
    }
    return render(request, "backoffice/products/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def product_new(request: HttpRequest) -> HttpResponse:
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = product_create(**form.service_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The product was created. Now add its variants."))
            return redirect("backoffice:product", product_id=product.pk)
    status = 400 if form.errors else 200
    return render(request, "backoffice/products/new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def product(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product_or_404(product_id)
    if request.method != "POST":
        return _product_page(request, product)
    form = ProductForm(request.POST)
    if form.is_valid():
        try:
            product_update(product=product, **form.service_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The product was saved."))
            return redirect("backoffice:product", product_id=product.pk)
    return _product_page(request, _product_or_404(product_id), form=form, status=400)


@require_POST
@staff_required
def variant_stock(request: HttpRequest, product_id: int, variant_id: int) -> HttpResponse:
    product = _product_or_404(product_id)
    variant = _variant_of(product, variant_id)
    form = StockForm(request.POST, prefix=f"stock-{variant.pk}")
    if form.is_valid():
        try:
            _change_stock(request, variant, form)
        except StockWouldGoNegative as exc:
            form.add_error(
                "quantity",
                _("Only %(on_hand)s units are on hand: removing %(removed)s would leave fewer than zero.")
                % {"on_hand": exc.details["on_hand"], "removed": -exc.details["delta"]},
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            changed = product_with_stock(product_id=product_id)
            after = _variant_of(changed, variant_id)
            messages.success(
                request,
                _("Stock of %(sku)s saved: %(on_hand)s on hand, %(available)s available.")
                % {"sku": after.sku, "on_hand": after.on_hand, "available": available_quantity(after)},  # type: ignore[attr-defined]
            )
            return redirect(reverse("backoffice:product", args=[product_id]) + f"#variant-{variant_id}")
    messages.error(request, _("The stock of %(sku)s was not changed.") % {"sku": variant.sku})
    return _product_page(request, product, stock_forms={variant.pk: form}, status=400)


def _change_stock(request: HttpRequest, variant: Variant, form: StockForm) -> None:
    data = form.cleaned_data
    history = {"reason": data["reason"], "note": data["note"], "actor": _staff_member(request)}
    if data["action"] == StockForm.SET:
        stock_set(variant_id=variant.pk, quantity=data["quantity"], **history)
    else:
        stock_adjust(variant_id=variant.pk, delta=data["quantity"], **history)


@require_http_methods(["GET", "POST"])
@staff_required
def variant_new(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product_or_404(product_id)
    form = VariantForm(request.POST or None, initial={"position": len(product.stocked_variants)})  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            variant_create(product=product, **form.service_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The variant was added. Count its stock below."))
            return redirect("backoffice:product", product_id=product.pk)
    status = 400 if form.errors else 200
    context = {"product": product, "form": form, "variant": None}
    return render(request, "backoffice/products/variant.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def variant(request: HttpRequest, product_id: int, variant_id: int) -> HttpResponse:
    product = _product_or_404(product_id)
    variant = _variant_of(product, variant_id)
    form = VariantForm(request.POST or None, initial=VariantForm.initial_of(variant))
    if request.method == "POST" and form.is_valid():
        try:
            variant_update(variant=variant, **form.service_fields())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The variant was saved."))
            return redirect(reverse("backoffice:product", args=[product_id]) + f"#variant-{variant_id}")
    status = 400 if form.errors else 200
    context = {"product": product, "form": form, "variant": variant}
    return render(request, "backoffice/products/variant.html", context, status=status)
