"""Trigram indexes (PostgreSQL's pg_trgm) for the staff order search
(orders.selectors.matching): "contains" on the email, the shipping name and
the customer's name reads these indexes instead of every order. Nothing on
SQLite, whose search stays a scan (an embedded shop is small).

Each index is built CONCURRENTLY (the migration is not atomic), so a shop
upgrading keeps taking orders while it is built; ``IF NOT EXISTS`` lets a
build interrupted half-way be run again (drop an INVALID index first)."""

from django.db import migrations

# (index, table, indexed expression): the expressions are those Django's
# icontains writes (UPPER(column) LIKE UPPER(%q%)), so the planner matches them.
INDEXES = (
    ("order_search_email_trgm", "orders_order", "UPPER(email)"),
    ("order_search_ship_name_trgm", "orders_order", "UPPER(shipping_address ->> 'name')"),
    # On the customers' table, for the orders' search (orders.selectors.matching).
    ("order_search_customer_name_trgm", "customers_user", "UPPER(name)"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("customers", "0002_api_token_last_used_at"),
        ("orders", "0007_alter_orderevent_type"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
