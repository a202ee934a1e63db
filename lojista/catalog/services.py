"""Writes of the catalog: staff create and edit products and their variants.

Each service checks every field it is given and raises one InvalidInput
naming all the bad ones (``details.fields``, as the API's validation does),
so a form shows each message beside its field. A slug or SKU that another
row holds raises SlugTaken or SkuTaken; the unique constraints are the last
guard against two staff members saving the same value at once.

Nothing is deleted here: a product or variant that should no longer be sold
is unpublished, so orders, carts and the stock history keep what they point
at (docs/architecture.md, "Unpublish, never delete").
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lojista.catalog.errors import SkuTaken, SlugTaken
from lojista.catalog.models import Product, Variant
from lojista.core.errors import DomainError, InvalidInput
from lojista.core.validation import CONTROL_CHARACTERS_MESSAGE, check_http_url, has_control_characters

MAX_DESCRIPTION_LENGTH = 20_000
MAX_IMAGES = 20
MAX_IMAGE_URL_LENGTH = 1_000
MAX_OPTIONS = 20
MAX_OPTION_LENGTH = 100
MAX_POSITION = 2**31 - 1
# The price column: 12 digits, 2 of them decimals.
MAX_PRICE = Decimal("9999999999.99")


class _Problems:
    """The invalid fields of one call, gathered so that all are reported at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: Any) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def raise_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise InvalidInput(first, details={"fields": self.fields})


def _text(
    problems: _Problems,
    field: str,
    value: str,
    *,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    value = value.strip()
    if required and not value:
        problems.add(field, _("This field is required."))
    elif len(value) > max_length:
        problems.add(
            field,
            _("Ensure this value has at most %(max_length)s characters (it has %(length)s).")
            % {"max_length": max_length, "length": len(value)},
        )
    elif has_control_characters(value, multiline=multiline):
        problems.add(field, CONTROL_CHARACTERS_MESSAGE)
    return value


def _max_length(model: type[Product] | type[Variant], field: str) -> int:
    return getattr(model._meta.get_field(field), "max_length", None) or 0


def _images(problems: _Problems, images: Iterable[str]) -> list[str]:
    urls = [url.strip() for url in images if url.strip()]
    if len(urls) > MAX_IMAGES:
        problems.add("images", _("Give at most %(count)s images.") % {"count": MAX_IMAGES})
    for url in urls:
        try:
            if len(url) > MAX_IMAGE_URL_LENGTH:
                raise InvalidInput.field("images", _("This image link is too long."))
            check_http_url("images", url)
        except InvalidInput as exc:
            problems.add("images", f"{url[:80]}: {exc.message}")
    return urls


def _free_slug(base: str, *, product: Product | None) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first that no other product
    has, found with one query."""
    base = base[: _max_length(Product, "slug") - 6].strip("-") or "product"
    others = Product.objects.filter(slug__startswith=base)
    if product is not None:
        others = others.exclude(pk=product.pk)
    taken = set(others.values_list("slug", flat=True))
    suffix = 1
    slug = base
    while slug in taken:
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


def _slug(problems: _Problems, slug: str, *, name: str, product: Product | None) -> str:
    """The slug asked for, checked; or, when none is, one made from the name."""
    slug = slug.strip()
    if not slug:
        return _free_slug(slugify(name), product=product)
    if len(slug) > _max_length(Product, "slug"):
        problems.add("slug", _("The slug is too long."))
        return slug
    try:
        validate_slug(slug)
    except ValidationError:
        problems.add("slug", _("Use only letters, numbers, hyphens and underscores."))
    return slug


def _check_unique(instance: Product | Variant, field: str, value: str, taken: DomainError) -> None:
    others = type(instance).objects.filter(**{field: value})
    if instance.pk:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise taken


def _save(instance: Product | Variant, taken: DomainError) -> None:
    """Save in a savepoint: a unique value another transaction committed
    meanwhile is ``taken``, not a 500."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise taken from None


@transaction.atomic
def product_create(
    *,
    name: str,
    slug: str = "",
    description: str = "",
    images: Iterable[str] = (),
    is_published: bool = True,
) -> Product:
    """A new product (with no variant yet: add them with ``variant_create``).
    An empty ``slug`` is made from the name, made unique with a number.
    Raises InvalidInput or SlugTaken."""
    product = Product()
    _fill_product(
        product, name=name, slug=slug, description=description, images=images, is_published=is_published
    )
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    name: str,
    slug: str,
    description: str,
    images: Iterable[str],
    is_published: bool,
) -> Product:
    """Replace the product's fields; unpublishing hides it from the shop
    (orders keep their copies). Raises InvalidInput or SlugTaken."""
    _fill_product(
        product, name=name, slug=slug, description=description, images=images, is_published=is_published
    )
    return product


def _fill_product(
    product: Product, *, name: str, slug: str, description: str, images: Iterable[str], is_published: bool
) -> None:
    problems = _Problems()
    name = _text(problems, "name", name, max_length=_max_length(Product, "name"), required=True)
    description = _text(
        problems, "description", description, max_length=MAX_DESCRIPTION_LENGTH, multiline=True
    )
    urls = _images(problems, images)
    existing = product if product.pk else None
    slug = _slug(problems, slug, name=name, product=existing)
    problems.raise_any()
    _check_unique(product, "slug", slug, SlugTaken(slug))
    product.name = name
    product.slug = slug
    product.description = description
    product.images = urls
    product.is_published = is_published
    _save(product, SlugTaken(slug))


def _options(problems: _Problems, options: Mapping[str, Any]) -> dict[str, str]:
    """Option names and values as stripped text ("size": "M"), none empty."""
    cleaned: dict[str, str] = {}
    if len(options) > MAX_OPTIONS:
        problems.add("options", _("Give at most %(count)s options.") % {"count": MAX_OPTIONS})
    for key, value in options.items():
        name, text = str(key).strip(), str(value).strip()
        if not name or not text:
            problems.add("options", _("Each option needs a name and a value."))
        elif len(name) > MAX_OPTION_LENGTH or len(text) > MAX_OPTION_LENGTH:
            problems.add(
                "options",
                _("Option names and values have at most %(count)s characters.")
                % {"count": MAX_OPTION_LENGTH},
            )
        elif has_control_characters(name) or has_control_characters(text):
            problems.add("options", CONTROL_CHARACTERS_MESSAGE)
        else:
            cleaned[name] = text
    return cleaned


def _price(problems: _Problems, price: Decimal | str) -> Decimal:
    try:
        amount = Decimal(price)
    except (InvalidOperation, TypeError, ValueError):
        problems.add("price", _("Enter a number."))
        return Decimal(0)
    if not amount.is_finite():
        problems.add("price", _("Enter a finite number."))
    elif amount < 0:
        problems.add("price", _("The price cannot be negative."))
    elif amount > MAX_PRICE:
        problems.add("price", _("The price is too high."))
    elif amount != amount.quantize(Decimal("0.01")):
        problems.add("price", _("Enter a price with at most two decimal places."))
    return amount


@transaction.atomic
def variant_create(
    *,
    product: Product,
    sku: str,
    price: Decimal | str,
    name: str = "",
    options: Mapping[str, Any] | None = None,
    track_stock: bool = True,
    max_per_order: int | None = None,
    is_published: bool = True,
    position: int = 0,
) -> Variant:
    """A new variant of ``product``: a SKU no other variant has, a price of
    zero or more in the shop's currency. A tracked variant has no unit until
    its stock is counted or adjusted. Raises InvalidInput or SkuTaken."""
    variant = Variant(product=product)
    _fill_variant(
        variant,
        sku=sku,
        price=price,
        name=name,
        options=options or {},
        track_stock=track_stock,
        max_per_order=max_per_order,
        is_published=is_published,
        position=position,
    )
    return variant


@transaction.atomic
def variant_update(
    *,
    variant: Variant,
    sku: str,
    price: Decimal | str,
    name: str,
    options: Mapping[str, Any],
    track_stock: bool,
    max_per_order: int | None,
    is_published: bool,
    position: int,
) -> Variant:
    """Replace the variant's fields. Orders, carts and checkouts keep the
    name, SKU and price they copied; a new price counts from the next
    checkout. Raises InvalidInput or SkuTaken."""
    _fill_variant(
        variant,
        sku=sku,
        price=price,
        name=name,
        options=options,
        track_stock=track_stock,
        max_per_order=max_per_order,
        is_published=is_published,
        position=position,
    )
    return variant


def _fill_variant(
    variant: Variant,
    *,
    sku: str,
    price: Decimal | str,
    name: str,
    options: Mapping[str, Any],
    track_stock: bool,
    max_per_order: int | None,
    is_published: bool,
    position: int,
) -> None:
    problems = _Problems()
    name = _text(problems, "name", name, max_length=_max_length(Variant, "name"))
    amount = _price(problems, price)
    cleaned_options = _options(problems, options)
    if max_per_order is not None and not 1 <= max_per_order <= MAX_POSITION:
        problems.add("max_per_order", _("Enter at least 1, or leave it empty for the shop's default."))
    if not 0 <= position <= MAX_POSITION:
        problems.add("position", _("Enter a whole number of zero or more."))
    sku = _text(problems, "sku", sku, max_length=_max_length(Variant, "sku"), required=True)
    problems.raise_any()
    _check_unique(variant, "sku", sku, SkuTaken(sku))
    variant.sku = sku
    variant.price = amount
    variant.name = name
    variant.options = cleaned_options
    variant.track_stock = track_stock
    variant.max_per_order = max_per_order
    variant.is_published = is_published
    variant.position = position
    _save(variant, SkuTaken(sku))
