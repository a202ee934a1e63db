"""A b-tree index on the orders' upper-cased email (PostgreSQL), for the
staff search by a whole email address (orders.selectors.matching: Django's
``iexact``, ``UPPER(email) = UPPER(%s)``). The trigram index of migration
0008 answers it too, but reads the posting lists of trigrams every address
of a domain shares ("exa", "com", …): some 5,000 index pages at a million
orders, where this index reads three. Nothing on SQLite (an embedded shop
is small, and its search stays a scan).

Built CONCURRENTLY (the migration is not atomic), so a shop upgrading keeps
taking orders while it is built; ``IF NOT EXISTS`` lets a build interrupted
half-way be run again (drop an INVALID index first)."""

from django.db import migrations

INDEX = "order_email_upper_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON orders_order (UPPER(email))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0008_order_search_trigram_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
