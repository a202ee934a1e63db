"""The staff search by a whole email address (selectors.matching): the
orders placed with that address, in any case, and not the longer addresses
that contain it; on PostgreSQL read from the upper-cased email's b-tree
(migration 0009) rather than the trigram index, which reads every order's
"exa", "com", … at a million orders."""

import pytest
from django.db import connection

from lojista.orders.selectors import order_tab_counts, staff_orders
from tests.orders.factories import placed_order
from tests.orders.test_search import assert_migration_builds, pg_index, plan

pytestmark = pytest.mark.django_db

INDEX = "order_email_upper_idx"


@pytest.fixture
def orders():
    return {
        email: placed_order(email=email).number
        for email in ("ana@example.com", "Ana@Example.com", "joana@example.com", "ana@example.com.br")
    }


def found(q: str) -> set[int]:
    return set(staff_orders(q=q).values_list("number", flat=True))


def test_a_whole_address_finds_its_orders_in_any_case_and_no_longer_address(orders):
    assert found("ana@example.com") == {orders["ana@example.com"], orders["Ana@Example.com"]}
    assert found("ANA@EXAMPLE.COM") == found("ana@example.com")
    assert found("joana@example.com") == {orders["joana@example.com"]}
    assert found("nobody@example.com") == set()
    assert order_tab_counts(q="ana@example.com")["all"] == 2


def test_part_of_an_address_still_finds_every_address_containing_it(orders):
    assert found("ana@example") == set(orders.values())
    assert found("@example.com") == set(orders.values())
    assert found("ana@") == set(orders.values())


def test_the_names_are_still_searched_with_a_whole_address(customer):
    customer.name = "ana@example.com (shop account)"
    customer.save()
    order = placed_order(customer=customer, email="someone@else.test")

    assert found("ana@example.com") == {order.number}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_on_postgresql_a_whole_address_is_read_from_the_email_index(orders):
    explained = plan(staff_orders(q="ana@example.com").order_by())

    assert INDEX in explained, explained
    assert "order_search_email_trgm" not in explained, explained


@pytest.mark.django_db(transaction=True)
def test_the_migration_applies_and_reverts_on_either_database():
    built = {INDEX} if connection.vendor == "postgresql" else set()
    assert_migration_builds(
        before="0008_order_search_trigram_indexes",
        after="0009_order_email_upper_index",
        built=built,
        indexes=pg_index(INDEX),
    )
