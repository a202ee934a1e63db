"""The staff order search (selectors.matching) finds what it found before
its conditions became index reads (trigram indexes, migration 0008), and on
PostgreSQL it can read each condition from its index instead of every order."""

from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.db.models.query import QuerySet

from lojista.customers.models import User
from lojista.orders.models import Order
from lojista.orders.selectors import matching, staff_orders
from tests.orders.factories import placed_order

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {
    "order_search_email_trgm",
    "order_search_ship_name_trgm",
    "order_search_customer_name_trgm",
}


def as_before(orders: QuerySet[Order], q: str) -> QuerySet[Order]:
    """The search as it was written before the indexes: the customer's name
    through the join, and the number when ``q`` is one."""
    condition = (
        Q(email__icontains=q) | Q(customer__name__icontains=q) | Q(shipping_address__name__icontains=q)
    )
    digits = q.removeprefix("#")
    if digits.isdigit() and len(digits) <= 10:
        condition |= Q(number=int(digits))
    return orders.filter(condition)


@pytest.fixture
def orders():
    """Orders of customers and of guests whose emails, names and shipping
    names hold digits, case differences and LIKE's wildcards."""
    ana = User.objects.create_user(email="ana@example.com", name="Ana Souza 1003")
    bruno = User.objects.create_user(email="bruno@example.com", name="BRUNO 50%_off")
    User.objects.create_user(email="carla@example.com", name="Carla Orderless")
    made = [
        placed_order(customer=ana, email="ana@example.com"),
        placed_order(customer=ana, email="Ana.Work@Example.com"),
        placed_order(customer=bruno, email="bruno@example.com"),
        placed_order(email="guest1002@example.com"),
        placed_order(email="buyer@shop.test"),
    ]
    shipping_names = ["Ana S.", "Ana S.", "Bruno B.", "Dora Guest", None]
    for order, name in zip(made, shipping_names, strict=True):
        address = {"country": "PT"} | ({"name": name} if name else {})
        Order.objects.filter(pk=order.pk).update(shipping_address=address)
    return made


QUERIES = [
    "ana",
    "ANA",
    "example.com",
    "Souza",
    "souza 1003",
    "bruno 50%",
    "50%_",
    "%",
    "_",
    "dora",
    "guest",
    "orderless",
    "@shop.",
    "nobody",
    "1002",
    "#1002",
    "1003",
    "#1",
    "10",
    "a",
    "#",
]


@pytest.mark.parametrize("q", QUERIES)
def test_the_search_finds_what_it_found_before(orders, q):
    # Some queries are order numbers (1001 to 1005), some only parts of one.
    found = list(matching(Order.objects.order_by("number"), q).values_list("number", flat=True))
    expected = list(as_before(Order.objects.order_by("number"), q).values_list("number", flat=True))

    assert found == expected


def test_the_search_matches_each_field_and_the_number(orders):
    ana_home, ana_work, bruno, guest, buyer = (order.number for order in orders)

    def search(q: str) -> set[int]:
        return set(staff_orders(q=q).values_list("number", flat=True))

    assert search("ANA@") == {ana_home}
    assert search("souza") == {ana_home, ana_work}  # the customer's name
    assert search("dora g") == {guest}  # the shipping name of a guest
    assert search("50%_") == {bruno}  # wildcards are plain characters
    assert search(f"#{buyer}") == {buyer}
    assert search("guest1002") == {guest}
    assert search("Orderless") == set()


def plan(queryset: QuerySet[Order]) -> str:
    """EXPLAIN of ``queryset`` with plain scans of the table ruled out, so
    that the plan shows which conditions an index can answer."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_on_postgresql_every_condition_of_a_search_is_an_index_read(orders):
    explained = plan(staff_orders(q="1002").order_by())

    assert "BitmapOr" in explained
    for index in TRIGRAM_INDEXES | {"orders_order_number_key"}:
        assert index in explained, explained
    assert "Filter" not in explained.split("BitmapOr")[0].split("Recheck Cond")[0], explained


def test_the_indexes_are_built_on_postgresql_only():
    assert indexes() == (TRIGRAM_INDEXES if connection.vendor == "postgresql" else set())


def indexes() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'order_search_%%'")
            return {row[0] for row in cursor.fetchall()}
        return {
            name
            for table in ("orders_order", "customers_user")
            for name in connection.introspection.get_constraints(cursor, table)
            if name in TRIGRAM_INDEXES
        }


@pytest.mark.django_db(transaction=True)
def test_the_migration_applies_and_reverts_on_either_database():
    """Outside a transaction, as ``migrate`` runs it (CREATE INDEX
    CONCURRENTLY refuses to run in one): built on PostgreSQL, nothing on SQLite."""
    built = TRIGRAM_INDEXES if connection.vendor == "postgresql" else set()
    assert_migration_builds(
        before="0007_alter_orderevent_type",
        after="0008_order_search_trigram_indexes",
        built=built,
        indexes=indexes,
    )


def pg_index(name: str) -> Callable[[], set[str]]:
    """``indexes`` for assert_migration_builds: ``{name}`` while PostgreSQL has
    that index, else nothing (SQLite has none of these)."""

    def indexes() -> set[str]:
        if connection.vendor != "postgresql":
            return set()
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = %s", [name])
            return {row[0] for row in cursor.fetchall()}

    return indexes


def assert_migration_builds(
    *, before: str, after: str, built: set[str], indexes: Callable[[], set[str]]
) -> None:
    """Migrating orders back to ``before`` leaves none of ``indexes()``, to
    ``after`` builds ``built``, and so does migrating to the latest again."""
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("orders", before)])
        assert indexes() == set()
        executor = MigrationExecutor(connection)
        executor.migrate([("orders", after)])
        assert indexes() == built
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert indexes() == built
