"""The shipping zones and methods the owner edits in the back office
(checkout.services.shipping_zone_save, shipping_method_save,
shipping_method_set_active; checkout.selectors.shipping_zones)."""

from decimal import Decimal

import pytest

from lojista.checkout.models import ShippingMethod, ShippingZone
from lojista.checkout.selectors import shipping_methods_for_country, shipping_zones
from lojista.checkout.services import shipping_method_save, shipping_method_set_active, shipping_zone_save
from lojista.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def fields_of(refused: pytest.ExceptionInfo[InvalidInput]) -> dict[str, list[str]]:
    return refused.value.details["fields"]


def test_a_zone_keeps_each_country_once_in_capitals():
    zone = shipping_zone_save(name=" Iberia ", countries=["pt", " ES", "PT", ""])

    zone.refresh_from_db()
    assert (zone.name, zone.countries) == ("Iberia", ["PT", "ES"])

    shipping_zone_save(zone=zone, name="Portugal", countries=["PT"])
    zone.refresh_from_db()
    assert (zone.name, zone.countries) == ("Portugal", ["PT"])


def test_a_zone_needs_a_name_and_real_country_codes():
    with pytest.raises(InvalidInput) as refused:
        shipping_zone_save(name="  ", countries=["PT", "XX", "Portugal"])

    fields = fields_of(refused)
    assert fields["name"] == ["This field is required."]
    assert fields["countries"] == ["Not a two-letter ISO country code: XX, PORTUGAL."]
    assert not ShippingZone.objects.exists()


def test_a_method_is_created_changed_and_offered_where_its_zone_serves():
    zone = shipping_zone_save(name="Portugal", countries=["PT"])

    method = shipping_method_save(
        zone=zone,
        code="pt-standard",
        name=" Standard ",
        description="2-3 days",
        translations={"pt-br": {"name": "Padrão", "description": " "}},
        price=Decimal("4.90"),
        free_above=Decimal("50.00"),
    )

    method.refresh_from_db()
    assert (method.name, method.translations) == ("Standard", {"pt-br": {"name": "Padrão"}})
    assert shipping_methods_for_country(country="PT") == [method]
    assert shipping_methods_for_country(country="ES") == []

    shipping_method_save(method=method, zone=zone, code="pt-standard", name="Normal", price=Decimal("5.00"))
    method.refresh_from_db()
    assert (method.name, method.price, method.free_above, method.translations) == (
        "Normal",
        Decimal("5.00"),
        None,
        {},
    )


def test_a_deactivated_method_is_no_longer_offered_but_kept():
    zone = shipping_zone_save(name="Portugal", countries=["PT"])
    method = shipping_method_save(zone=zone, code="pt-standard", name="Standard", price=Decimal("4.90"))

    shipping_method_set_active(method=method, is_active=False)

    assert shipping_methods_for_country(country="PT") == []
    assert [list(zone.methods.all()) for zone in shipping_zones()] == [[method]]

    shipping_method_set_active(method=method, is_active=True)
    assert shipping_methods_for_country(country="PT") == [method]


def test_a_pickup_method_needs_its_location_named_as_a_field_error():
    zone = shipping_zone_save(name="Shop", countries=[])

    with pytest.raises(InvalidInput) as refused:
        shipping_method_save(zone=zone, code="pickup", name="Pickup", kind="pickup", price=Decimal("0"))

    assert fields_of(refused) == {
        "pickup_location": ["A pickup method needs the address where customers collect their orders."]
    }


def test_every_problem_of_a_method_is_named():
    zone = shipping_zone_save(name="Portugal", countries=["PT"])
    shipping_method_save(zone=zone, code="taken", name="Taken", price=Decimal("1"))

    with pytest.raises(InvalidInput) as refused:
        shipping_method_save(
            zone=zone,
            code="taken",
            name="",
            kind="drone",
            translations={"pt-br": {"name": "n" * 101}},
            price=Decimal("-1"),
            free_above=Decimal("-5"),
        )

    fields = fields_of(refused)
    assert set(fields) == {"code", "name", "kind", "price", "free_above", "translations.pt-br.name"}
    assert fields["code"] == ["Shipping method with this Code already exists."]
    assert fields["price"] == ["Enter zero or more."]
    assert ShippingMethod.objects.count() == 1


def test_a_translation_in_a_language_the_shop_does_not_speak_is_refused():
    zone = shipping_zone_save(name="Portugal", countries=["PT"])

    with pytest.raises(InvalidInput) as refused:
        shipping_method_save(
            zone=zone, code="x", name="X", price=Decimal("1"), translations={"fr": {"name": "Standard"}}
        )

    assert fields_of(refused) == {"translations": ["Unknown language: fr."]}


def test_the_zones_and_their_methods_cost_two_queries_however_many(django_assert_num_queries):
    for index in range(5):
        zone = shipping_zone_save(name=f"Zone {index}", countries=["PT"])
        for price in range(3):
            shipping_method_save(zone=zone, code=f"z{index}-{price}", name="M", price=Decimal(price))

    with django_assert_num_queries(2):
        zones = shipping_zones()
        assert sum(len(zone.methods.all()) for zone in zones) == 15
