"""The staff order query at depth: EXPLAIN ANALYZE of a page of each tab, a
filtered page and a deep page, on generated orders (200,000 by default).

    DATABASE_URL=postgres://… .venv/bin/python bench/orders_query.py [count]

Run by hand (it takes a minute to generate the rows); figures go in bench/RESULTS.md.
"""

import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import setup_django, test_database

# As in a real shop: the newest orders are still pending or processed, older
# ones delivered or cancelled, and a few old ones were forgotten as pending.
RECENT = 0.05
OLD_WEIGHTS = {"delivered": 94.9, "cancelled": 5, "pending": 0.1}
RECENT_WEIGHTS = {"pending": 40, "processed": 55, "cancelled": 5}


def generate(count: int) -> None:
    from django.utils import timezone

    from lojista.orders.models import Order

    rng = random.Random(9)
    start = timezone.now() - timedelta(days=730)
    step = timedelta(days=730) / count
    batch = []
    for index in range(count):
        weights = RECENT_WEIGHTS if index >= count * (1 - RECENT) else OLD_WEIGHTS
        status = rng.choices(list(weights), list(weights.values()))[0]
        batch.append(
            Order(
                number=1001 + index,
                email=f"customer{rng.randrange(count // 4)}@example.com",
                status=status,
                payment_status=rng.choices(["refunded", "refund_failed"], [99, 1])[0]
                if status == "cancelled"
                else "paid",
                payment_method="test",
                currency="EUR",
                subtotal=Decimal("30.00"),
                shipping_price=Decimal("5.00"),
                total=Decimal("35.00"),
                shipping_address={"name": f"Cliente {index}", "country": "BR"},
                shipping_method_code="sedex",
                shipping_method_name="Sedex",
                created_at=start + step * index,
            )
        )
        if len(batch) == 5000:
            Order.objects.bulk_create(batch)
            batch = []
    Order.objects.bulk_create(batch)


def explain(label: str, queryset) -> dict[str, float]:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    started = time.perf_counter()
    list(queryset)
    elapsed = (time.perf_counter() - started) * 1000
    print(f"\n--- {label}: {elapsed:.1f} ms from Python")
    print("\n".join(plan))
    return {label: round(elapsed, 1)}


def run(count: int = 200_000) -> dict[str, float]:
    from django.db import connection
    from django.utils import timezone

    from lojista.orders.selectors import order_tab_counts, staff_orders
    from lojista.orders.statuses import TABS

    generate(count)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE orders_order")
    deep = 1001 + count // 10  # a cursor 90% of the way down
    figures: dict[str, float] = {}
    for tab, statuses in TABS.items():
        figures |= explain(f"tab {tab}, first page", staff_orders(statuses=statuses)[:21])
        figures |= explain(
            f"tab {tab}, deep page", staff_orders(statuses=statuses).filter(number__lt=deep)[:21]
        )
    today = timezone.localdate()
    figures |= explain(
        "refund_failed, deep page", staff_orders(payment_status="refund_failed").filter(number__lt=deep)[:21]
    )
    figures |= explain(
        "last 30 days, refunded",
        staff_orders(created_from=today - timedelta(days=30), payment_status="refunded")[:21],
    )
    figures |= explain("search by number", staff_orders(q=str(1001 + count // 2))[:21])
    figures |= explain("search by email, deep", staff_orders(q="customer4999@").filter(number__lt=deep)[:21])
    started = time.perf_counter()
    exported = sum(1 for _ in staff_orders(statuses=TABS["pending"]).iterator(chunk_size=2000))
    figures["export of the pending tab (rows)"] = exported
    figures["export of the pending tab (ms)"] = round((time.perf_counter() - started) * 1000, 1)
    started = time.perf_counter()
    order_tab_counts()
    figures["tab counts (ms)"] = round((time.perf_counter() - started) * 1000, 1)
    return figures


if __name__ == "__main__":
    setup_django()
    with test_database() as vendor:
        for figure, value in run(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000).items():
            print(f"orders_query {vendor:10} {figure:40} {value}")
