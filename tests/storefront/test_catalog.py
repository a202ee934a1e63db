"""The storefront's catalog: the home page's product cards, search, and a
product's page with its variant picker and "Add to cart" form."""

import re

import pytest
from django.test import Client

from lojista.storefront.views.catalog import PAGE_SIZE, stock_status
from tests.catalog.factories import hold, make_product, make_variant

pytestmark = pytest.mark.django_db


def page_of(response) -> str:
    return response.content.decode()


def card_of(page: str, name: str) -> str:
    """The product card (its <li>) naming ``name``."""
    for card in re.findall(r'<li class="product-card">.*?</li>', page, flags=re.S):
        if f'<span class="product-name">{name}</span>' in card:
            return card
    raise AssertionError(f"no card for {name}")


# Stock badges -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("available", "label", "tone"),
    [
        (None, "In stock", "ok"),
        (10, "In stock", "ok"),
        (4, "In stock", "ok"),
        (3, "Only 3 left", "warn"),
        (1, "Only 1 left", "warn"),
        (0, "Out of stock", "bad"),
    ],
)
def test_the_stock_badge_says_only_n_left_from_the_low_stock_threshold(available, label, tone, settings):
    settings.LOJISTA_LOW_STOCK_THRESHOLD = 3

    status = stock_status(available)

    assert (status.label, status.tone) == (label, tone)


# Home ---------------------------------------------------------------------------


def test_the_home_page_shows_each_published_product_with_image_price_and_stock():
    tee = make_product("Organic Tee", slug="organic-tee", images=["/static/demo/organic-cotton-tee.svg"])
    make_variant(tee, price="24.00", stock=10)
    make_variant(tee, price="26.00", stock=3)
    mug = make_product("Stoneware Mug", slug="mug")
    make_variant(mug, price="12.50", stock=2)
    sold_out = make_product("Wool Beanie", slug="beanie")
    make_variant(sold_out, price="18.00", stock=0)
    gift = make_product("Gift Card", slug="gift")
    make_variant(gift, price="25.00", track_stock=False)
    make_variant(make_product("Secret Draft", is_published=False), stock=5)

    response = Client().get("/")

    assert response.status_code == 200
    page = page_of(response)
    assert "<title>Lojista Demo Shop</title>" in page
    assert "Secret Draft" not in page
    tee_card = card_of(page, "Organic Tee")
    assert 'href="/products/organic-tee/"' in tee_card
    assert 'src="/static/demo/organic-cotton-tee.svg"' in tee_card
    assert "from €24.00" in tee_card
    assert "In stock" in tee_card
    mug_card = card_of(page, "Stoneware Mug")
    assert "€12.50" in mug_card and "from" not in mug_card
    assert "Only 2 left" in mug_card
    assert "Out of stock" in card_of(page, "Wool Beanie")
    assert "In stock" in card_of(page, "Gift Card")


def test_the_from_price_is_of_the_variants_in_stock():
    tee = make_product("Organic Tee")
    make_variant(tee, price="19.00", stock=0)
    make_variant(tee, price="24.00", stock=5)
    make_variant(tee, price="26.00", stock=5)
    sold_out = make_product("Wool Beanie")
    make_variant(sold_out, price="18.00", stock=0)
    make_variant(sold_out, price="20.00", stock=0)

    page = page_of(Client().get("/"))

    assert "from €24.00" in card_of(page, "Organic Tee")
    assert "from €18.00" in card_of(page, "Wool Beanie")


def test_a_held_unit_is_not_counted_as_left():
    mug = make_product("Stoneware Mug")
    hold(make_variant(mug, stock=5), 3, minutes=30)

    assert "Only 2 left" in card_of(page_of(Client().get("/")), "Stoneware Mug")


def test_a_product_without_a_published_variant_is_not_available():
    product = make_product("Coming Soon")
    make_variant(product, is_published=False, stock=4)

    card = card_of(page_of(Client().get("/")), "Coming Soon")

    assert "Not available" in card and "€" not in card


def test_the_home_page_says_when_the_shop_is_empty():
    assert "There are no products in the shop yet." in page_of(Client().get("/"))


def test_the_home_page_is_paginated_newest_first():
    products = [make_product(f"Product {number}") for number in range(PAGE_SIZE + 2)]
    for product in products:
        make_variant(product, stock=5)
    client = Client()

    first = page_of(client.get("/"))
    cursor = re.search(r'rel="next" href="\?cursor=([^"]+)"', first).group(1)
    second = page_of(client.get(f"/?cursor={cursor}"))

    assert first.count('class="product-card"') == PAGE_SIZE
    assert f">Product {PAGE_SIZE + 1}<" in first and ">Product 0<" not in first
    assert second.count('class="product-card"') == 2
    assert ">Product 0<" in second and ">Product 1<" in second
    assert 'rel="next"' not in second
    assert 'href="?">First page</a>' in second


def test_a_page_link_edited_by_hand_shows_the_first_page_and_why():
    make_variant(make_product("Mug"), stock=5)

    response = Client().get("/?cursor=not-a-cursor")

    assert response.status_code == 400
    page = page_of(response)
    assert "That page link is not valid any more" in page
    assert "Mug" in page


def test_product_names_are_escaped():
    make_variant(make_product("<script>alert(1)</script>"), stock=5)

    page = page_of(Client().get("/"))

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_home_page_costs_the_same_queries_for_3_or_30_products(
    django_assert_max_num_queries, shop_settings_cached
):
    def add(count):
        for _ in range(count):
            product = make_product("Tee", images=["/static/demo/organic-cotton-tee.svg"])
            make_variant(product, stock=5)
            make_variant(product, stock=0, price="12.00")

    client = Client()
    add(3)
    with django_assert_max_num_queries(4) as few:
        assert client.get("/").status_code == 200
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/").status_code == 200


# Search -------------------------------------------------------------------------


def test_search_finds_products_by_name_description_or_sku():
    make_variant(make_product("Stoneware Mug", description="Glazed by hand"), stock=5, sku="MUG-1")
    make_variant(make_product("Linen Shirt"), stock=5, sku="SHIRT-1")
    client = Client()

    by_name = page_of(client.get("/search/", {"q": "stoneware"}))
    by_description = page_of(client.get("/search/", {"q": "glazed"}))
    by_sku = page_of(client.get("/search/", {"q": "shirt-1"}))

    assert "<title>Search: stoneware · Lojista Demo Shop</title>" in by_name
    assert "Results for “stoneware”" in by_name
    assert "Stoneware Mug" in by_name and "Linen Shirt" not in by_name
    assert "Stoneware Mug" in by_description
    assert "Linen Shirt" in by_sku and "Stoneware Mug" not in by_sku


def test_an_empty_search_lists_every_product():
    make_variant(make_product("Stoneware Mug"), stock=5)
    make_variant(make_product("Linen Shirt"), stock=5)

    page = page_of(Client().get("/search/", {"q": "  "}))

    assert "All products" in page
    assert "Stoneware Mug" in page and "Linen Shirt" in page


def test_a_search_without_results_helps():
    make_variant(make_product("Stoneware Mug"), stock=5)

    response = Client().get("/search/", {"q": "<b>teapot</b>"})

    assert response.status_code == 200
    page = page_of(response)
    assert "No product matches “&lt;b&gt;teapot&lt;/b&gt;”." in page
    assert 'href="/">see all our products</a>' in page


def test_a_search_does_not_find_drafts_or_unpublished_variants():
    make_variant(make_product("Secret Mug", is_published=False), stock=5)
    make_variant(make_product("Plain Cup"), stock=5, sku="HIDDEN-SKU", is_published=False)

    page = page_of(Client().get("/search/", {"q": "secret"}))
    by_sku = page_of(Client().get("/search/", {"q": "hidden-sku"}))

    assert "Secret Mug" not in page and "No product matches" in page
    assert "Plain Cup" not in by_sku


def test_a_search_too_long_is_a_message_not_an_error():
    response = Client().get("/search/", {"q": "x" * 201})

    assert response.status_code == 400
    page = page_of(response)
    assert "Your search is too long: use at most 200 characters." in page
    assert "No product matches" not in page


@pytest.mark.parametrize("params", [{"q": "mug\x00"}, {"cursor": "\x00"}])
def test_a_null_character_in_a_search_is_a_message_not_an_error(params):
    response = Client().get("/search/", params)

    assert response.status_code == 400
    assert "Null characters are not allowed." in page_of(response)


def test_a_bad_cursor_keeps_the_search():
    make_variant(make_product("Stoneware Mug"), stock=5)
    make_variant(make_product("Linen Shirt"), stock=5)

    response = Client().get("/search/", {"q": "mug", "cursor": "\x00"})

    assert response.status_code == 400
    assert "Stoneware Mug" in page_of(response) and "Linen Shirt" not in page_of(response)


def test_the_home_page_ignores_a_query():
    make_variant(make_product("Stoneware Mug"), stock=5)

    response = Client().get("/", {"q": "x" * 300})

    assert response.status_code == 200
    assert "Stoneware Mug" in page_of(response)


def test_search_pages_keep_the_query():
    for number in range(PAGE_SIZE + 1):
        make_variant(make_product(f"Mug {number}"), stock=5)
    make_variant(make_product("Shirt"), stock=5)

    first = page_of(Client().get("/search/", {"q": "mug & co"}))
    assert "No product matches" in first
    first = page_of(Client().get("/search/", {"q": "mug"}))
    link = re.search(r'rel="next" href="(\?q=mug&amp;cursor=[^"]+)"', first).group(1)
    second = page_of(Client().get("/search/" + link.replace("&amp;", "&")))

    assert second.count('class="product-card"') == 1
    assert ">Mug 0<" in second


# A product's page -----------------------------------------------------------------


@pytest.fixture
def tee():
    product = make_product(
        "Organic Tee",
        slug="organic-tee",
        description="Soft & heavy.\n\nRelaxed fit.",
        images=["/static/demo/organic-cotton-tee.svg", "/static/demo/linen-shirt.svg"],
    )
    small = make_variant(
        product, name="S / White", options={"size": "S", "colour": "White"}, price="24.00", stock=10
    )
    medium = make_variant(
        product, name="M / White", options={"size": "M", "colour": "White"}, price="24.00", stock=2
    )
    large = make_variant(
        product, name="L / White", options={"size": "L", "colour": "White"}, price="26.00", stock=0
    )
    return product, small, medium, large


def radio(page: str, variant) -> str:
    return re.search(rf'<input type="radio"[^>]*id="variant-{variant.pk}"[^>]*>', page, flags=re.S).group(0)


def test_the_product_page_shows_the_product_and_a_picker_of_its_variants(tee):
    _product, small, medium, large = tee

    response = Client().get("/products/organic-tee/")

    assert response.status_code == 200
    page = page_of(response)
    assert "<title>Organic Tee · Lojista Demo Shop</title>" in page
    assert '<meta name="description" content="Soft &amp; heavy.\n\nRelaxed fit.">' in page
    assert "<h1>Organic Tee</h1>" in page
    assert 'src="/static/demo/organic-cotton-tee.svg" alt="Organic Tee"' in page
    assert 'src="/static/demo/linen-shirt.svg" alt="Organic Tee, picture 2"' in page
    assert "<p>Soft &amp; heavy.</p>" in page
    assert "<legend>Choose: Size / Colour</legend>" in page
    # The first in stock is chosen; its price and stock show at the top.
    assert "checked" in radio(page, small)
    assert 'id="product-price" aria-live="polite">€24.00</p>' in page
    assert f'id="variant-{medium.pk}-stock">Only 2 left</span>' in page
    assert f'id="variant-{large.pk}-stock">Out of stock</span>' in page
    # An out-of-stock variant cannot be chosen.
    assert "disabled" in radio(page, large) and "disabled" not in radio(page, medium)
    assert 'data-price="€26.00"' in radio(page, large)


def test_the_add_to_cart_form_posts_the_variant_the_quantity_and_where_to_come_back(tee):
    page = page_of(Client().get("/products/organic-tee/"))

    form = re.search(
        r'<form method="post" action="/cart/add/" class="add-to-cart">.*?</form>', page, flags=re.S
    )
    assert form is not None
    form = form.group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/products/organic-tee/">' in form
    assert 'name="variant_id"' in form
    assert re.search(
        r'<input type="number" name="quantity" id="id_quantity" value="1" min="1" max="999"', form
    )
    assert '<button type="submit" class="primary add-button">Add to cart</button>' in form


def test_a_variant_can_be_chosen_by_link_when_it_is_in_stock(tee):
    _product, small, medium, large = tee
    client = Client()

    medium_page = page_of(client.get(f"/products/organic-tee/?variant={medium.pk}"))
    large_page = page_of(client.get(f"/products/organic-tee/?variant={large.pk}"))
    nonsense = client.get("/products/organic-tee/?variant=²")

    assert "checked" in radio(medium_page, medium) and "checked" not in radio(medium_page, small)
    assert '<span class="badge warn">Only 2 left</span></p>' in medium_page
    assert "checked" in radio(large_page, small) and "checked" not in radio(large_page, large)
    assert nonsense.status_code == 200


def test_the_quantity_is_bounded_by_the_maximum_per_order():
    product = make_product("Espresso", slug="espresso")
    make_variant(product, stock=50, max_per_order=2)

    page = page_of(Client().get("/products/espresso/"))

    assert 'max="2"' in page
    assert "At most 2 per order." in page
    # One variant: no picker, the variant travels hidden.
    assert "<fieldset" not in page
    assert re.search(r'<input type="hidden" name="variant_id" value="\d+">', page)


def test_the_shops_maximum_per_order_applies_to_variants_without_their_own(settings):
    settings.LOJISTA_MAX_PER_ORDER = 5
    product = make_product("Espresso", slug="espresso")
    make_variant(product, stock=50)

    assert 'max="5"' in page_of(Client().get("/products/espresso/"))


def test_a_product_out_of_stock_cannot_be_added_and_says_why():
    product = make_product("Wool Beanie", slug="beanie")
    make_variant(product, name="Grey", stock=0)
    make_variant(product, name="Red", stock=0)

    page = page_of(Client().get("/products/beanie/"))

    assert 'disabled aria-describedby="add-reason">Add to cart</button>' in page
    assert "Out of stock: this product cannot be added to the cart right now." in page
    assert 'name="quantity"' not in page


def test_a_product_without_published_variants_says_it_is_not_available():
    product = make_product("Coming Soon", slug="soon")
    make_variant(product, stock=3, is_published=False)

    page = page_of(Client().get("/products/soon/"))

    assert "This product is not available right now." in page
    assert "Add to cart" not in page


def test_an_untracked_variant_is_always_in_stock():
    product = make_product("Gift Card", slug="gift")
    make_variant(product, price="25.00", track_stock=False)

    page = page_of(Client().get("/products/gift/"))

    assert '<span class="badge ok">In stock</span>' in page
    assert (
        "Add to cart</button>" in page and "disabled" not in page.split("add-to-cart")[1].split("</form>")[0]
    )


@pytest.mark.parametrize("slug", ["no-such-product", "draft"])
def test_an_unknown_or_unpublished_product_is_not_found(slug):
    make_variant(make_product("Draft", slug="draft", is_published=False), stock=3)

    response = Client().get(f"/products/{slug}/")

    assert response.status_code == 404
    page = page_of(response)
    assert "Product not found" in page
    assert "Draft" not in page.replace("Product not found", "")


def test_the_product_page_describes_the_product_for_search_engines(tee):
    page = page_of(Client().get("/products/organic-tee/"))

    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S).group(1)
    import json

    product = json.loads(data)
    assert product["@type"] == "Product"
    assert product["name"] == "Organic Tee"
    assert product["image"][0] == "http://testserver/static/demo/organic-cotton-tee.svg"
    assert [offer["availability"] for offer in product["offers"]] == [
        "https://schema.org/InStock",
        "https://schema.org/InStock",
        "https://schema.org/OutOfStock",
    ]
    assert product["offers"][2]["price"] == "26.00"
    assert product["offers"][2]["priceCurrency"] == "EUR"


def test_the_structured_data_cannot_close_its_script_element():
    product = make_product("</script><script>alert(1)</script>", slug="evil")
    make_variant(product, stock=3)

    page = page_of(Client().get("/products/evil/"))

    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S).group(1)
    assert "<" not in data and "\\u003C/script\\u003E" in data


def test_the_product_page_costs_the_same_queries_for_2_or_20_variants(
    django_assert_max_num_queries, shop_settings_cached
):
    product = make_product("Tee", slug="tee", images=["/static/demo/organic-cotton-tee.svg"])

    def add(count):
        for number in range(count):
            make_variant(product, options={"size": str(number)}, stock=number % 4)

    client = Client()
    add(2)
    with django_assert_max_num_queries(4) as few:
        assert client.get("/products/tee/").status_code == 200
    add(18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/products/tee/").status_code == 200


def test_only_get_is_allowed():
    assert Client().post("/").status_code == 405
    assert Client().post("/search/").status_code == 405
    assert Client().post("/products/x/").status_code == 405
