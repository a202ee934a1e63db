"""Staff create and edit products and variants: catalog.services."""

from decimal import Decimal

import pytest
from django.db import transaction

from lojista.catalog.errors import SkuTaken, SlugTaken
from lojista.catalog.models import Product, Variant
from lojista.catalog.services import product_create, product_update, variant_create, variant_update
from lojista.core.errors import InvalidInput
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db


def _product_fields(product: Product, **changes) -> dict:
    fields = {
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "images": product.images,
        "is_published": product.is_published,
    }
    return {**fields, **changes}


def _variant_fields(variant: Variant, **changes) -> dict:
    fields = {
        "sku": variant.sku,
        "price": variant.price,
        "name": variant.name,
        "options": variant.options,
        "track_stock": variant.track_stock,
        "max_per_order": variant.max_per_order,
        "is_published": variant.is_published,
        "position": variant.position,
    }
    return {**fields, **changes}


# product_create, product_update


def test_a_product_is_created_with_a_slug_made_from_its_name():
    product = product_create(
        name="  Camisa de Açaí ",
        description="Linho.\nLavar à mão.",
        images=["https://cdn.example.com/a.jpg", "", " http://cdn.example.com/b.png "],
    )

    product.refresh_from_db()
    assert product.name == "Camisa de Açaí"
    assert product.slug == "camisa-de-acai"
    assert product.description == "Linho.\nLavar à mão."
    assert product.images == ["https://cdn.example.com/a.jpg", "http://cdn.example.com/b.png"]
    assert product.is_published is True


def test_a_made_slug_gets_a_number_when_taken():
    make_product(slug="mug")
    make_product(slug="mug-2")

    assert product_create(name="Mug").slug == "mug-3"
    assert product_create(name="!!!").slug == "product"


def test_a_slug_given_by_staff_must_be_free():
    make_product(slug="mug")

    with pytest.raises(SlugTaken) as caught, transaction.atomic():
        product_create(name="Another mug", slug="mug")

    assert caught.value.code == "slug_taken"
    assert caught.value.status == 409
    assert caught.value.details["fields"] == {"slug": ["Another product already has this slug."]}
    assert Product.objects.count() == 1


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(InvalidInput) as caught, transaction.atomic():
        product_create(
            name=" ", slug="not a slug", images=["ftp://x.example.com/a.jpg", "javascript:alert(1)"]
        )

    fields = caught.value.details["fields"]
    assert fields["name"] == ["This field is required."]
    assert fields["slug"] == ["Use only letters, numbers, hyphens and underscores."]
    assert fields["images"] == [
        "ftp://x.example.com/a.jpg: Enter a valid http or https link.",
        "javascript:alert(1): Enter a valid http or https link.",
    ]
    assert not Product.objects.exists()


def test_a_name_with_a_control_character_is_refused():
    with pytest.raises(InvalidInput) as caught, transaction.atomic():
        product_create(name="Mug\x00")

    assert list(caught.value.details["fields"]) == ["name"]


def test_a_product_is_updated_and_keeps_its_own_slug():
    product = make_product("Mug", slug="mug")

    product_update(product=product, **_product_fields(product, name="Big mug", is_published=False))

    product.refresh_from_db()
    assert (product.name, product.slug, product.is_published) == ("Big mug", "mug", False)


def test_an_emptied_slug_is_made_again_from_the_name():
    product = make_product("Mug", slug="old-slug")

    product_update(product=product, **_product_fields(product, name="Tea cup", slug=""))

    assert Product.objects.get(pk=product.pk).slug == "tea-cup"


def test_an_update_cannot_take_another_products_slug():
    make_product(slug="mug")
    product = make_product(slug="cup")

    with pytest.raises(SlugTaken), transaction.atomic():
        product_update(product=product, **_product_fields(product, slug="mug"))

    assert Product.objects.get(pk=product.pk).slug == "cup"


# variant_create, variant_update


def test_a_variant_is_created():
    product = make_product()

    variant = variant_create(
        product=product,
        sku=" MUG-RED ",
        price="12.50",
        name="Red",
        options={" colour ": " red "},
        max_per_order=3,
        position=2,
    )

    variant.refresh_from_db()
    assert variant.sku == "MUG-RED"
    assert variant.price == Decimal("12.50")
    assert variant.options == {"colour": "red"}
    assert (variant.track_stock, variant.max_per_order, variant.is_published, variant.position) == (
        True,
        3,
        True,
        2,
    )


def test_a_sku_must_be_free():
    product = make_product()
    make_variant(product, sku="MUG-RED")

    with pytest.raises(SkuTaken) as caught, transaction.atomic():
        variant_create(product=product, sku="MUG-RED", price="1.00")

    assert caught.value.code == "sku_taken"
    assert caught.value.details["fields"] == {"sku": ["Another variant already has this SKU."]}
    assert Variant.objects.count() == 1


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-0.01", "The price cannot be negative."),
        ("abc", "Enter a number."),
        ("NaN", "Enter a finite number."),
        ("1.005", "Enter a price with at most two decimal places."),
        ("10000000000", "The price is too high."),
    ],
)
def test_a_bad_price_is_refused(price, message):
    with pytest.raises(InvalidInput) as caught, transaction.atomic():
        variant_create(product=make_product(), sku="X", price=price)

    assert caught.value.details["fields"] == {"price": [message]}
    assert not Variant.objects.exists()


def test_bad_variant_fields_are_reported_together():
    with pytest.raises(InvalidInput) as caught, transaction.atomic():
        variant_create(
            product=make_product(), sku="", price="1", options={"size": ""}, max_per_order=0, position=-1
        )

    assert set(caught.value.details["fields"]) == {"sku", "options", "max_per_order", "position"}


def test_a_variant_is_updated_and_may_keep_its_own_sku():
    variant = make_variant(make_product(), sku="MUG-RED", price="10.00")

    variant_update(
        variant=variant,
        **_variant_fields(
            variant, price=Decimal("0"), track_stock=False, max_per_order=None, is_published=False
        ),
    )

    variant.refresh_from_db()
    assert (variant.sku, variant.price, variant.track_stock, variant.is_published) == (
        "MUG-RED",
        Decimal("0.00"),
        False,
        False,
    )


def test_an_update_cannot_take_another_variants_sku():
    product = make_product()
    make_variant(product, sku="MUG-RED")
    variant = make_variant(product, sku="MUG-BLUE")

    with pytest.raises(SkuTaken), transaction.atomic():
        variant_update(variant=variant, **_variant_fields(variant, sku="MUG-RED"))

    assert Variant.objects.get(pk=variant.pk).sku == "MUG-BLUE"
