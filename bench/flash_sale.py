"""Flash sale: many buyers race for the last units of one variant.

Measures how many sales per second `stock_commit` completes when every buyer
wants the same row (the worst case: the row lock serialises them), and when
buyers spread over many variants (no contention), and checks that exactly
the stock was sold.
"""

import threading
from decimal import Decimal

from bench.harness import setup_django, test_database, timed

BUYERS = 16
ATTEMPTS_PER_BUYER = 50


def run() -> dict[str, str]:
    from django.db import connection

    from lojista.catalog.models import Product, Variant
    from lojista.inventory.errors import InsufficientStock
    from lojista.inventory.services import stock_commit, stock_set

    product = Product.objects.create(name="Bench", slug="bench")
    hot = Variant.objects.create(product=product, sku="HOT", price=Decimal("10"))
    spread = [
        Variant.objects.create(product=product, sku=f"S{i}", price=Decimal("10")) for i in range(BUYERS)
    ]
    stock = BUYERS * ATTEMPTS_PER_BUYER // 2  # half the attempts must fail
    stock_set(variant_id=hot.pk, quantity=stock)
    for variant in spread:
        stock_set(variant_id=variant.pk, quantity=ATTEMPTS_PER_BUYER)

    def race(variant_for: "callable") -> tuple[float, int, int]:
        sold, refused = [0], [0]
        lock = threading.Lock()
        barrier = threading.Barrier(BUYERS)

        def buyer(index: int) -> None:
            barrier.wait()
            for attempt in range(ATTEMPTS_PER_BUYER):
                try:
                    stock_commit(key=f"bench:{index}:{attempt}", items={variant_for(index): 1})
                    outcome = sold
                except InsufficientStock:
                    outcome = refused
                with lock:
                    outcome[0] += 1
            connection.close()

        def start() -> None:
            threads = [threading.Thread(target=buyer, args=(i,)) for i in range(BUYERS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        return timed(start), sold[0], refused[0]

    hot_seconds, hot_sold, hot_refused = race(lambda index: hot.pk)
    assert hot_sold == stock, f"oversold or undersold: {hot_sold} sold of {stock}"
    spread_seconds, spread_sold, _ = race(lambda index: spread[index].pk)
    attempts = BUYERS * ATTEMPTS_PER_BUYER
    return {
        "buyers": str(BUYERS),
        "one hot variant: attempts/s": f"{attempts / hot_seconds:.0f}",
        "one hot variant: sold / refused": f"{hot_sold} / {hot_refused} (stock {stock})",
        "spread over variants: sales/s": f"{spread_sold / spread_seconds:.0f}",
    }


if __name__ == "__main__":
    setup_django()
    with test_database() as vendor:
        for name, value in run().items():
            print(f"{vendor:10} {name:40} {value}")
