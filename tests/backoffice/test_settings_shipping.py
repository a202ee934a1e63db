"""The owners' shipping settings: zones and their countries, methods
created, edited, deactivated; refusals beside their fields."""

from decimal import Decimal

import pytest

from lojista.checkout.models import ShippingMethod, ShippingZone
from lojista.checkout.selectors import shipping_methods_for_country
from lojista.core.services import shop_settings_update

pytestmark = pytest.mark.django_db

SHIPPING = "/backoffice/settings/shipping/"

METHOD = {
    "code": "pt-standard",
    "name": "Standard",
    "description": "2-3 working days",
    "name_pt_br": "Padrão",
    "description_pt_br": "2 a 3 dias úteis",
    "kind": "delivery",
    "price": "4.90",
    "free_above": "50.00",
    "is_active": "on",
    "pickup_location": "",
    "pickup_details": "",
}


@pytest.fixture
def zone(db) -> ShippingZone:
    return ShippingZone.objects.create(name="Portugal", countries=["PT"])


@pytest.fixture
def method(zone) -> ShippingMethod:
    return ShippingMethod.objects.create(
        zone=zone, code="pt-standard", name="Standard", price=Decimal("4.90")
    )


def test_the_zones_are_listed_with_their_countries_and_methods(owner_client, method):
    ShippingZone.objects.create(name="Shop <pickup>", countries=[])

    page = owner_client.get(SHIPPING).content.decode()

    assert "Portugal" in page and "Standard" in page and "pt-standard" in page
    assert "€4.90" in page
    assert "Shop &lt;pickup&gt;" in page
    assert "No countries: pickup only." in page


def test_an_owner_creates_a_zone(owner_client):
    response = owner_client.post(f"{SHIPPING}zones/new/", {"name": "Iberia", "countries": "pt, es"})

    assert response.status_code == 302
    assert response["Location"] == SHIPPING
    assert ShippingZone.objects.get().countries == ["PT", "ES"]
    page = owner_client.get(SHIPPING).content.decode()
    assert "The shipping zone was saved." in page
    assert "Portugal" in page and "Spain" in page


def test_an_unknown_country_is_refused_beside_the_field_keeping_what_was_typed(owner_client, zone):
    response = owner_client.post(f"{SHIPPING}zones/{zone.pk}/", {"name": "Portugal", "countries": "PT XX"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"countries": ["Not a two-letter ISO country code: XX."]}
    assert 'value="PT XX"' in response.content.decode()
    zone.refresh_from_db()
    assert zone.countries == ["PT"]


def test_an_owner_edits_a_zone(owner_client, zone):
    page = owner_client.get(f"{SHIPPING}zones/{zone.pk}/").content.decode()
    assert 'value="PT"' in page

    owner_client.post(f"{SHIPPING}zones/{zone.pk}/", {"name": "Portugal and Spain", "countries": "PT ES"})

    zone.refresh_from_db()
    assert (zone.name, zone.countries) == ("Portugal and Spain", ["PT", "ES"])


def test_an_owner_adds_a_method_with_its_translation(owner_client, zone):
    response = owner_client.post(f"{SHIPPING}zones/{zone.pk}/methods/new/", METHOD)

    assert response.status_code == 302
    method = ShippingMethod.objects.get()
    assert (method.zone, method.price, method.free_above, method.is_active) == (
        zone,
        Decimal("4.90"),
        Decimal("50.00"),
        True,
    )
    assert method.translations == {"pt-br": {"name": "Padrão", "description": "2 a 3 dias úteis"}}
    assert method.text("name", "pt-br") == "Padrão"
    assert shipping_methods_for_country(country="PT") == [method]


def test_an_owner_edits_a_method_and_sees_what_is_saved(owner_client, method):
    page = owner_client.get(f"{SHIPPING}methods/{method.pk}/").content.decode()
    assert 'value="pt-standard"' in page and 'value="4.90"' in page

    response = owner_client.post(
        f"{SHIPPING}methods/{method.pk}/", {**METHOD, "price": "5.50", "is_active": ""}
    )

    assert response.status_code == 302
    method.refresh_from_db()
    assert (method.price, method.is_active) == (Decimal("5.50"), False)


def test_a_pickup_method_without_its_location_is_refused_beside_the_field(owner_client, zone):
    typed = {**METHOD, "code": "pickup-lisbon", "name": "Lisbon shop", "kind": "pickup"}

    response = owner_client.post(f"{SHIPPING}zones/{zone.pk}/methods/new/", typed)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "pickup_location": ["A pickup method needs the address where customers collect their orders."]
    }
    page = response.content.decode()
    assert 'value="Lisbon shop"' in page and 'value="pickup-lisbon"' in page
    assert not ShippingMethod.objects.exists()


def test_a_taken_code_and_a_negative_price_are_refused_beside_their_fields(owner_client, zone, method):
    response = owner_client.post(f"{SHIPPING}zones/{zone.pk}/methods/new/", {**METHOD, "price": "-1"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"price"}

    response = owner_client.post(f"{SHIPPING}zones/{zone.pk}/methods/new/", METHOD)
    assert response.status_code == 400
    assert response.context["form"].errors == {"code": ["Shipping method with this Code already exists."]}


def test_a_translation_too_long_is_refused_beside_its_own_field(owner_client, zone):
    response = owner_client.post(
        f"{SHIPPING}zones/{zone.pk}/methods/new/", {**METHOD, "name_pt_br": "n" * 101}
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["name_pt_br"]


def test_the_translation_fields_are_in_the_languages_besides_the_shops(owner_client, zone):
    page = owner_client.get(f"{SHIPPING}zones/{zone.pk}/methods/new/").content.decode()
    assert "Name in Portuguese (Brazil)" in page

    shop_settings_update(name="", details="", language="pt-br", checkout_hold_minutes=None, invoice_footer="")
    owner_client.post("/backoffice/language/", {"language": "en"})
    page = owner_client.get(f"{SHIPPING}zones/{zone.pk}/methods/new/").content.decode()
    assert 'name="name_en"' in page and 'name="name_pt_br"' not in page


def test_a_method_is_deactivated_and_activated_again(owner_client, method):
    response = owner_client.post(f"{SHIPPING}methods/{method.pk}/active/", {"active": "0"})

    assert response.status_code == 302
    method.refresh_from_db()
    assert not method.is_active
    assert shipping_methods_for_country(country="PT") == []
    page = owner_client.get(SHIPPING).content.decode()
    assert "“Standard” is no longer offered at checkout." in page
    assert "Inactive" in page

    owner_client.post(f"{SHIPPING}methods/{method.pk}/active/", {"active": "1"})
    method.refresh_from_db()
    assert method.is_active


def test_deactivating_is_a_post(owner_client, staff_client, method):
    assert owner_client.get(f"{SHIPPING}methods/{method.pk}/active/").status_code == 405
    assert staff_client.post(f"{SHIPPING}methods/{method.pk}/active/", {"active": "0"}).status_code == 403
    method.refresh_from_db()
    assert method.is_active


def test_an_unknown_zone_or_method_is_not_found(owner_client):
    assert owner_client.get(f"{SHIPPING}zones/999/").status_code == 404
    assert owner_client.get(f"{SHIPPING}zones/999/methods/new/").status_code == 404
    assert owner_client.get(f"{SHIPPING}methods/999/").status_code == 404


@pytest.mark.parametrize("zones", [1, 10])
def test_the_shipping_page_costs_the_same_queries_however_many_zones(
    owner_client, django_assert_max_num_queries, zones
):
    for index in range(zones):
        zone = ShippingZone.objects.create(name=f"Zone {index}", countries=["PT", "ES"])
        for price in range(3):
            ShippingMethod.objects.create(zone=zone, code=f"z{index}-{price}", name="M", price=Decimal(price))
    owner_client.get(SHIPPING)

    # The session and its user, the shop's settings (cached), the zones, their methods.
    with django_assert_max_num_queries(5):
        response = owner_client.get(SHIPPING)

    assert response.content.decode().count("<tr>") == 4 * zones  # a heading row and three methods each
