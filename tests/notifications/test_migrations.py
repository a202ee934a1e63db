"""The outbox's move to generic subjects (migration 0002) keeps every
existing row deliverable: order emails refer to their order, and the old
"test" rows become explicit test sends of the kind they showed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("notifications", "0001_initial")]
AFTER = [("notifications", "0002_outbox_subject")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_the_latest():
    """Whatever the test unapplied (other apps' migrations depending on this
    one included) is applied again afterwards."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_rows_refer_to_their_subject(back_to_the_latest):
    old = migrate(BEFORE)
    Order = old.get_model("orders", "Order")
    Outbox = old.get_model("notifications", "OutboxMessage")
    order = Order.objects.create(
        number=7001,
        email="ana@example.com",
        currency="EUR",
        subtotal=0,
        shipping_price=0,
        total=0,
        shipping_address={},
    )
    fields = {"recipients": ["ana@example.com"], "language": "en", "message_id": "<m@x>"}
    Outbox.objects.create(dedupe_key="order", kind="order_confirmation", order=order, **fields)
    Outbox.objects.create(
        dedupe_key="test-on-order",
        kind="test",
        context={"template": "order_processed", "order_number": 7001},
        **fields,
    )
    Outbox.objects.create(
        dedupe_key="test-sample",
        kind="test",
        context={"template": "new_order", "order_number": None},
        **fields,
    )

    new = migrate(AFTER)
    rows = {
        row.dedupe_key: (row.kind, row.is_test, row.subject_type, row.subject_id, row.order_id, row.context)
        for row in new.get_model("notifications", "OutboxMessage").objects.all()
    }

    assert rows == {
        "order": ("order_confirmation", False, "order", str(order.pk), order.pk, {}),
        "test-on-order": ("order_processed", True, "order", str(order.pk), None, {}),
        "test-sample": ("new_order", True, "", "", None, {}),
    }
