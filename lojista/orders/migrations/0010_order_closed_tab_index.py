"""A partial index for the back office's Closed tab (PostgreSQL): the
delivered orders by number, newest first, as the pending tab has its own
(migration 0003). The newest orders of a shop are not delivered yet, so
PostgreSQL, reading the number's index backwards and skipping what is not
delivered (its estimate: nine orders in ten are), read the 50,000 newest
orders before the first page of the tab at a million orders (22 ms); with
this index it reads the page's 26 (0.05 ms), at any depth.

Built CONCURRENTLY (the migration is not atomic), so a shop upgrading keeps
taking orders while it is built; ``IF NOT EXISTS`` lets a build interrupted
half-way be run again (drop an INVALID index first). Nothing on SQLite."""

from django.db import migrations

INDEX = "order_closed_tab_number_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON orders_order (number DESC) WHERE status = 'delivered'"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0009_order_email_upper_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
