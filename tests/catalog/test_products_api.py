import base64

import pytest

from tests.catalog.factories import hold, make_product, make_variant

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/products"


def detail_url(slug: str) -> str:
    return f"/api/v1/products/{slug}"


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["items"]]


def test_product_detail_has_the_contract_shape(api, settings):
    settings.LOJISTA_CURRENCY = "BRL"
    product = make_product(
        "Camiseta Básica",
        slug="camiseta-basica",
        description="Algodão orgânico.",
        images=["https://cdn.example.com/camiseta.jpg"],
    )
    variant = make_variant(product, sku="CAM-P", name="P", options={"size": "P"}, price="12.5", stock=3)

    response = api.get(detail_url("camiseta-basica"))

    assert response.status_code == 200
    assert response.json() == {
        "id": product.id,
        "slug": "camiseta-basica",
        "name": "Camiseta Básica",
        "description": "Algodão orgânico.",
        "images": ["https://cdn.example.com/camiseta.jpg"],
        "variants": [
            {
                "id": variant.id,
                "sku": "CAM-P",
                "name": "P",
                "options": {"size": "P"},
                "price": {"amount": "12.50", "currency": "BRL"},
                "in_stock": True,
                "available_quantity": 3,
                "max_per_order": None,
            }
        ],
    }


def test_list_items_have_the_same_shape_as_the_detail(api):
    product = make_product(slug="caneca")
    make_variant(product, price="7", stock=1)

    listed = api.get(LIST_URL).json()

    assert listed["items"] == [api.get(detail_url("caneca")).json()]
    assert listed["items"][0]["variants"][0]["price"]["amount"] == "7.00"
    assert listed["next_cursor"] is None


def test_variants_keep_their_position_order(api):
    product = make_product(slug="tenis")
    last = make_variant(product, sku="T-42", position=2)
    first = make_variant(product, sku="T-38", position=0)
    middle = make_variant(product, sku="T-40", position=1)

    variants = api.get(detail_url("tenis")).json()["variants"]

    assert [v["id"] for v in variants] == [first.id, middle.id, last.id]


def test_list_is_newest_first(api):
    for slug in ["old", "middle", "new"]:
        make_product(slug=slug)

    assert slugs(api.get(LIST_URL)) == ["new", "middle", "old"]


def test_unpublished_products_are_hidden(api):
    make_product(slug="draft", is_published=False)
    make_product(slug="live")

    assert slugs(api.get(LIST_URL)) == ["live"]
    response = api.get(detail_url("draft"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unpublished_variants_are_hidden(api):
    product = make_product(slug="bone")
    visible = make_variant(product, sku="BONE-AZUL")
    make_variant(product, sku="BONE-VERDE", is_published=False)

    assert [v["id"] for v in api.get(detail_url("bone")).json()["variants"]] == [visible.id]
    assert [v["id"] for v in api.get(LIST_URL).json()["items"][0]["variants"]] == [visible.id]


def test_unknown_slug_is_404_not_found(api):
    response = api.get(detail_url("does-not-exist"))

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert body["message"] == "Not found."


class TestAvailability:
    def variant_out(self, api, slug: str) -> dict:
        return api.get(detail_url(slug)).json()["variants"][0]

    def test_on_hand_minus_active_reservations_expired_ones_do_not_count(self, api):
        variant = make_variant(make_product(slug="meia"), stock=10)
        hold(variant, 3, minutes=30)
        hold(variant, 4, minutes=-1)

        out = self.variant_out(api, "meia")
        assert (out["available_quantity"], out["in_stock"]) == (7, True)

    def test_fully_reserved_stock_is_out_of_stock(self, api):
        variant = make_variant(make_product(slug="luva"), stock=2)
        hold(variant, 2, minutes=30)

        out = self.variant_out(api, "luva")
        assert (out["available_quantity"], out["in_stock"]) == (0, False)

    def test_over_reserved_stock_never_shows_negative(self, api):
        variant = make_variant(make_product(slug="cinto"), stock=1)
        hold(variant, 3, minutes=30)

        assert self.variant_out(api, "cinto")["available_quantity"] == 0

    def test_tracked_variant_without_a_stock_row_is_out_of_stock(self, api):
        make_variant(make_product(slug="lenco"))

        out = self.variant_out(api, "lenco")
        assert (out["available_quantity"], out["in_stock"]) == (0, False)

    def test_untracked_stock_is_null_and_in_stock(self, api):
        variant = make_variant(make_product(slug="ebook"), track_stock=False, stock=0)
        hold(variant, 5, minutes=30)

        out = self.variant_out(api, "ebook")
        assert (out["available_quantity"], out["in_stock"]) == (None, True)

    def test_list_reports_availability_per_variant(self, api):
        product = make_product(slug="short")
        make_variant(product, stock=5, position=0)
        sold_out = make_variant(product, stock=1, position=1)
        hold(sold_out, 1, minutes=10)

        variants = api.get(LIST_URL).json()["items"][0]["variants"]
        assert [(v["available_quantity"], v["in_stock"]) for v in variants] == [(5, True), (0, False)]


class TestPagination:
    def walk(self, api, **params) -> list[dict]:
        """Every page from the first, following next_cursor; returns the pages' bodies."""
        pages = [api.get(LIST_URL, params).json()]
        while pages[-1]["next_cursor"] is not None:
            assert len(pages) < 10, "pagination does not end"
            pages.append(api.get(LIST_URL, {**params, "cursor": pages[-1]["next_cursor"]}).json())
        return pages

    def test_walking_all_pages_yields_every_product_once_newest_first(self, api):
        products = [make_product(slug=f"p{n}") for n in range(45)]

        pages = self.walk(api, limit=20)

        assert [len(page["items"]) for page in pages] == [20, 20, 5]
        seen = [item["id"] for page in pages for item in page["items"]]
        assert seen == sorted((p.id for p in products), reverse=True)

    def test_default_page_size_is_20(self, api):
        for n in range(21):
            make_product(slug=f"p{n}")

        first = api.get(LIST_URL).json()
        assert len(first["items"]) == 20
        assert first["next_cursor"] is not None

    def test_a_full_last_page_has_no_next_cursor(self, api):
        for n in range(20):
            make_product(slug=f"p{n}")

        pages = self.walk(api, limit=20)

        assert [len(page["items"]) for page in pages] == [20]

    def test_no_products_is_an_empty_page(self, api):
        assert api.get(LIST_URL).json() == {"items": [], "next_cursor": None}

    def test_cursor_keeps_the_search(self, api):
        for n in range(5):
            make_product(f"Vestido {n}", slug=f"vestido-{n}")
            make_product(f"Saia {n}", slug=f"saia-{n}")

        pages = self.walk(api, q="vestido", limit=2)

        assert [item["slug"] for page in pages for item in page["items"]] == [
            f"vestido-{n}" for n in reversed(range(5))
        ]

    def test_a_product_published_while_paging_does_not_shift_the_pages(self, api):
        for n in range(4):
            make_product(slug=f"p{n}")
        first = api.get(LIST_URL, {"limit": 2}).json()
        make_product(slug="brand-new")

        second = api.get(LIST_URL, {"limit": 2, "cursor": first["next_cursor"]}).json()

        assert [item["slug"] for item in second["items"]] == ["p1", "p0"]

    @pytest.mark.parametrize(
        "cursor",
        [
            "not a cursor",
            "%%%",
            base64.urlsafe_b64encode(b'{"id":"3"}').decode(),
            base64.urlsafe_b64encode(b'{"pk":3}').decode(),
            base64.urlsafe_b64encode(b"[3]").decode(),
        ],
    )
    def test_malformed_cursor_is_422_invalid_input(self, api, cursor):
        response = api.get(LIST_URL, {"cursor": cursor})

        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "invalid_input"
        assert "cursor" in body["details"]["fields"]

    @pytest.mark.parametrize("limit", [0, -1, 101, "many"])
    def test_limit_out_of_range_is_422_invalid_input(self, api, limit):
        response = api.get(LIST_URL, {"limit": limit})

        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "invalid_input"
        assert "limit" in body["details"]["fields"]

    @pytest.mark.parametrize("limit", [1, 100])
    def test_limit_bounds_are_accepted(self, api, limit):
        for n in range(2):
            make_product(slug=f"p{n}")

        response = api.get(LIST_URL, {"limit": limit})

        assert response.status_code == 200
        assert len(response.json()["items"]) == min(limit, 2)


class TestSearch:
    @pytest.fixture(autouse=True)
    def catalog(self):
        make_variant(make_product("Camiseta Listrada", slug="camiseta"), sku="CAM-001", name="Azul")
        make_variant(
            make_product("Calça", slug="calca", description="Jeans com elastano"), sku="CAL-002", name="38"
        )
        shoe = make_product("Tênis", slug="tenis")
        make_variant(shoe, sku="TEN-RUN-40", name="Corrida 40")
        make_variant(shoe, sku="TEN-RUN-41", name="Corrida 41")
        make_variant(shoe, sku="TEN-SECRET", name="Prototype", is_published=False)
        make_product("Camiseta Rascunho", slug="rascunho", is_published=False)

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("camiseta", ["camiseta"]),
            ("LISTRADA", ["camiseta"]),
            ("elastano", ["calca"]),
            ("cal-002", ["calca"]),
            ("azul", ["camiseta"]),
            ("corrida", ["tenis"]),
            ("ten-run", ["tenis"]),
            ("a", ["tenis", "calca", "camiseta"]),
            ("nothing like it", []),
        ],
    )
    def test_matches_name_description_and_variant_sku_or_name(self, api, q, expected):
        assert slugs(api.get(LIST_URL, {"q": q})) == expected

    def test_unpublished_variants_do_not_match(self, api):
        assert slugs(api.get(LIST_URL, {"q": "prototype"})) == []
        assert slugs(api.get(LIST_URL, {"q": "TEN-SECRET"})) == []

    def test_blank_query_lists_everything_published(self, api):
        assert slugs(api.get(LIST_URL, {"q": "  "})) == ["tenis", "calca", "camiseta"]


def test_openapi_lists_the_catalog_paths(api):
    response = api.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "get" in paths["/api/v1/products"]
    assert "get" in paths["/api/v1/products/{slug}"]
    parameters = {p["name"] for p in paths["/api/v1/products"]["get"]["parameters"]}
    assert {"q", "cursor", "limit"} <= parameters
