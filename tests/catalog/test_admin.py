"""The interim Django admin opens and saves catalog, shipping and stock."""

import pytest
from django.urls import reverse

from lojista.catalog.models import Product
from lojista.checkout.models import ShippingMethod, ShippingZone
from lojista.customers.models import User
from tests.catalog.factories import make_product, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    owner = User.objects.create_superuser("owner@example.com", "owner password 1", name="Olga Owner")
    client.force_login(owner)
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:catalog_product_changelist",
        "admin:catalog_product_add",
        "admin:checkout_shippingzone_changelist",
        "admin:checkout_shippingzone_add",
        "admin:inventory_stock_changelist",
    ],
)
def test_admin_pages_open(owner_client, url_name):
    make_variant(make_product(), stock=4)

    assert owner_client.get(reverse(url_name)).status_code == 200


def test_product_changelist_searches_skus_and_filters_published(owner_client):
    make_variant(make_product("Camiseta", slug="camiseta"), sku="CAM-P")
    make_product("Rascunho", slug="rascunho", is_published=False)
    url = reverse("admin:catalog_product_changelist")

    assert [p.slug for p in owner_client.get(url, {"q": "cam-p"}).context["cl"].result_list] == ["camiseta"]
    drafts = owner_client.get(url, {"is_published__exact": "0"}).context["cl"].result_list
    assert [p.slug for p in drafts] == ["rascunho"]


def inline_management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_a_product_is_added_with_its_variant(owner_client):
    response = owner_client.post(
        reverse("admin:catalog_product_add"),
        {
            "name": "Caneca",
            "slug": "caneca",
            "description": "",
            "images": "[]",
            "is_published": "on",
            "created_at_0": "2025-01-01",
            "created_at_1": "10:00:00",
            **inline_management("variants", 1),
            "variants-0-name": "Branca",
            "variants-0-sku": "CAN-BR",
            "variants-0-options": '{"color": "white"}',
            "variants-0-price": "29.90",
            "variants-0-track_stock": "on",
            "variants-0-is_published": "on",
            "variants-0-position": "0",
        },
    )

    assert response.status_code == 302
    product = Product.objects.get(slug="caneca")
    assert [(v.sku, str(v.price), v.options) for v in product.variants.all()] == [
        ("CAN-BR", "29.90", {"color": "white"})
    ]


def test_a_shipping_zone_is_added_with_its_method(owner_client):
    response = owner_client.post(
        reverse("admin:checkout_shippingzone_add"),
        {
            "name": "Portugal",
            "countries": '["PT"]',
            **inline_management("methods", 1),
            "methods-0-code": "ctt",
            "methods-0-name": "CTT",
            "methods-0-kind": "delivery",
            "methods-0-price": "4.50",
            "methods-0-free_above": "50.00",
            "methods-0-is_active": "on",
        },
    )

    assert response.status_code == 302
    zone = ShippingZone.objects.get(name="Portugal")
    assert zone.countries == ["PT"]
    assert ShippingMethod.objects.get(zone=zone).code == "ctt"


def test_stock_cannot_be_added_or_edited_in_the_admin(owner_client):
    variant = make_variant(make_product(), stock=4)

    assert owner_client.get(reverse("admin:inventory_stock_add")).status_code == 403
    page = owner_client.get(reverse("admin:inventory_stock_change", args=[variant.pk]))
    assert page.status_code == 200
    assert b'name="quantity"' not in page.content
