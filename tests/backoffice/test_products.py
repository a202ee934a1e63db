"""The back office's products: the list (search, low stock, pages), creating
and editing products and variants."""

import re
from decimal import Decimal

import pytest

from lojista.backoffice.views.products import PAGE_SIZE
from lojista.catalog.models import Product, Variant
from lojista.core.extensions import installed_slugs
from tests.catalog.factories import hold, make_product, make_variant

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# The list


def test_staff_see_every_product_with_its_figures(staff_client, settings):
    settings.LOJISTA_LOW_STOCK_THRESHOLD = 3
    shirt = make_product("Linen shirt")
    make_variant(shirt, price="20.00", stock=10)
    make_variant(shirt, price="35.50", stock=2)
    hold(shirt.variants.first(), 4, minutes=10)
    draft = make_product("Draft mug", is_published=False)
    make_variant(draft, price="8.00", stock=0, track_stock=False)

    response = staff_client.get("/backoffice/products/")

    assert response.status_code == 200
    page = _text(response)
    assert f'href="/backoffice/products/{shirt.pk}/"' in response.content.decode()
    # name, published, variants, price range, available (10 - 4 held + 2), low stock
    assert "Linen shirt Published 2 €20.00 \u2013 €35.50 8 Low stock" in page
    assert "Draft mug Draft 1 €8.00 not tracked" in page


def test_owners_see_the_list_too(owner_client):
    assert owner_client.get("/backoffice/products/").status_code == 200


def test_customers_are_refused(customer_client):
    assert customer_client.get("/backoffice/products/").status_code == 403


def test_search_by_name_or_sku_and_low_stock(staff_client, settings):
    settings.LOJISTA_LOW_STOCK_THRESHOLD = 3
    make_variant(make_product("Linen shirt"), sku="LIN-01", stock=1)
    make_variant(make_product("Wool hat"), sku="HAT-XL", stock=50)

    by_name = _text(staff_client.get("/backoffice/products/", {"q": "linen"}))
    by_sku = _text(staff_client.get("/backoffice/products/", {"q": "hat-x"}))
    low = _text(staff_client.get("/backoffice/products/", {"low_stock": "1"}))
    none = _text(staff_client.get("/backoffice/products/", {"q": "nothing like it"}))

    assert "Linen shirt" in by_name and "Wool hat" not in by_name
    assert "Wool hat" in by_sku and "Linen shirt" not in by_sku
    assert "Linen shirt" in low and "Wool hat" not in low
    assert "No product matches." in none


def test_pages_follow_each_other(staff_client):
    for number in range(PAGE_SIZE + 2):
        make_product(f"Product {number:02d}")

    first = staff_client.get("/backoffice/products/", {"q": "product"})
    (link,) = re.findall(r'href="\?(q=product&amp;cursor=[^"]+)"', first.content.decode())
    second = staff_client.get("/backoffice/products/?" + link.replace("&amp;", "&"))

    assert "Product 26" in _text(first) and "Product 01" not in _text(first)
    assert "Product 01" in _text(second) and "Product 00" in _text(second)
    assert "Next page" not in _text(second)


def test_a_broken_page_link_shows_the_first_page(staff_client):
    make_product("Linen shirt")

    response = staff_client.get("/backoffice/products/", {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert "That page link is not valid any more" in _text(response)
    assert "Linen shirt" in _text(response)


def test_the_list_costs_the_same_queries_however_many_products(staff_client, django_assert_max_num_queries):
    def fill(count: int) -> None:
        for _ in range(count):
            product = make_product()
            make_variant(product, stock=1)
            make_variant(product, track_stock=False)

    fill(2)
    installed_slugs()  # the menu's extension flags, cached as for every page but the first
    with django_assert_max_num_queries(5) as few:
        staff_client.get("/backoffice/products/")
    fill(40)
    with django_assert_max_num_queries(5) as many:
        response = staff_client.get("/backoffice/products/", {"low_stock": "1", "q": "a"})

    assert response.status_code == 200
    assert len(many) == len(few)


def test_names_are_escaped(staff_client):
    product = make_product("<script>alert('x')</script>")
    make_variant(product, name="<b>bold</b>", sku="<i>SKU</i>")

    listed = staff_client.get("/backoffice/products/").content.decode()
    page = staff_client.get(f"/backoffice/products/{product.pk}/").content.decode()

    for html in (listed, page):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;i&gt;SKU&lt;/i&gt;" in page


# Products


PRODUCT = {
    "name": "Linen shirt",
    "slug": "",
    "description": "Cool in summer.",
    "images": "https://cdn.example.com/shirt.jpg\nhttps://cdn.example.com/back.jpg",
    "is_published": "on",
}


def test_a_product_is_created_with_a_slug_from_its_name(staff_client):
    assert staff_client.get("/backoffice/products/new/").status_code == 200

    response = staff_client.post("/backoffice/products/new/", PRODUCT)

    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/products/{product.pk}/"
    assert (product.slug, product.is_published) == ("linen-shirt", True)
    assert product.images == ["https://cdn.example.com/shirt.jpg", "https://cdn.example.com/back.jpg"]
    assert "The product was created" in _text(staff_client.get(response["Location"]))


def test_a_bad_image_link_is_shown_beside_the_field_and_the_typing_kept(staff_client):
    response = staff_client.post(
        "/backoffice/products/new/", {**PRODUCT, "images": "https://cdn.example.com/a.jpg\nnot a link"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(
        r'<textarea name="images"[^>]*>\s*https://cdn.example.com/a.jpg\nnot a link</textarea>', html
    )
    assert re.search(r"images.*not a link: Enter a valid http or https link", html, re.S)
    assert 'value="Linen shirt"' in html
    assert not Product.objects.exists()


def test_a_taken_slug_is_shown_beside_the_field(staff_client):
    make_product(slug="linen-shirt")

    response = staff_client.post("/backoffice/products/new/", {**PRODUCT, "slug": "linen-shirt"})

    assert response.status_code == 400
    assert re.search(
        r'name="slug" value="linen-shirt".*?class="error">Another product already has this slug.',
        response.content.decode(),
        re.S,
    )
    assert Product.objects.count() == 1


def test_a_product_is_edited_and_unpublished(staff_client):
    product = make_product("Linen shirt", slug="linen-shirt")

    response = staff_client.post(
        f"/backoffice/products/{product.pk}/", {"name": "Linen shirt (old)", "slug": "linen-shirt"}
    )

    product.refresh_from_db()
    assert response.status_code == 302
    assert (product.name, product.is_published) == ("Linen shirt (old)", False)
    assert "Draft" in _text(staff_client.get(f"/backoffice/products/{product.pk}/"))


def test_an_invalid_edit_keeps_the_typing_and_changes_nothing(staff_client):
    product = make_product("Linen shirt")

    response = staff_client.post(f"/backoffice/products/{product.pk}/", {"name": "", "description": "typed"})

    assert response.status_code == 400
    assert "This field is required." in _text(response)
    assert re.search(r'<textarea name="description"[^>]*>\s*typed</textarea>', response.content.decode())
    assert Product.objects.get(pk=product.pk).name == "Linen shirt"


def test_an_unknown_product_is_not_found(staff_client):
    assert staff_client.get("/backoffice/products/999999/").status_code == 404


# Variants


VARIANT = {
    "name": "Blue, M",
    "sku": "LIN-BLUE-M",
    "price": "29.90",
    "options": "colour: blue\nsize: M",
    "track_stock": "on",
    "max_per_order": "",
    "is_published": "on",
    "position": "0",
}


def test_a_variant_is_added(staff_client):
    product = make_product("Linen shirt")
    assert staff_client.get(f"/backoffice/products/{product.pk}/variants/new/").status_code == 200

    response = staff_client.post(f"/backoffice/products/{product.pk}/variants/new/", VARIANT)

    variant = Variant.objects.get()
    assert response.status_code == 302
    assert (variant.product, variant.sku, variant.price) == (product, "LIN-BLUE-M", Decimal("29.90"))
    assert variant.options == {"colour": "blue", "size": "M"}
    assert (variant.max_per_order, variant.track_stock) == (None, True)
    page = _text(staff_client.get(response["Location"]))
    # PostgreSQL's jsonb keeps options in its own key order.
    assert "Blue, M LIN-BLUE-M" in page and "colour: blue" in page and "size: M" in page
    assert "€29.90 shop default 0 0 0" in page


def test_a_taken_sku_is_shown_beside_the_field_with_the_typing_kept(staff_client):
    product = make_product()
    make_variant(product, sku="LIN-BLUE-M")

    response = staff_client.post(f"/backoffice/products/{product.pk}/variants/new/", VARIANT)

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(
        r'name="sku" value="LIN-BLUE-M".*?class="error">Another variant already has this SKU.', html, re.S
    )
    assert 'value="29.90"' in html and "colour: blue\nsize: M</textarea>" in html
    assert Variant.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", "-1", "Ensure this value is greater than or equal to 0."),
        ("price", "1.001", "Ensure that there are no more than 2 decimal places."),
        ("options", "colour blue", 'Write each option as "name: value" ("colour blue" is not).'),
        ("max_per_order", "0", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_variant_fields_are_refused(staff_client, field, value, message):
    product = make_product()

    response = staff_client.post(
        f"/backoffice/products/{product.pk}/variants/new/", {**VARIANT, field: value}
    )

    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"')
    assert not Variant.objects.exists()


def test_a_variant_is_edited(staff_client):
    product = make_product()
    variant = make_variant(product, sku="LIN-BLUE-M", price="29.90")
    url = f"/backoffice/products/{product.pk}/variants/{variant.pk}/"
    assert 'value="LIN-BLUE-M"' in staff_client.get(url).content.decode()

    response = staff_client.post(url, {**VARIANT, "price": "24.90", "max_per_order": "2", "track_stock": ""})

    variant.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/products/{product.pk}/#variant-{variant.pk}"
    assert (variant.price, variant.max_per_order, variant.track_stock) == (Decimal("24.90"), 2, False)


def test_a_variant_of_another_product_is_not_found(staff_client):
    variant = make_variant(make_product())
    other = make_product()

    assert staff_client.get(f"/backoffice/products/{other.pk}/variants/{variant.pk}/").status_code == 404
