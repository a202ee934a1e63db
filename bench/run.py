"""Run the in-process benchmarks and print their figures (`make bench`; the
server, flows, emails and data groups have their own scripts and targets).

Set DATABASE_URL to a PostgreSQL URL to measure on PostgreSQL; figures go in
bench/RESULTS.md by hand, with the machine they were taken on.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import flash_sale, page_weight
from bench.harness import setup_django, test_database

BENCHMARKS = {"flash_sale": flash_sale.run, "page_weight": page_weight.run}

if __name__ == "__main__":
    setup_django()
    for name, benchmark in BENCHMARKS.items():
        with test_database() as vendor:
            for figure, value in benchmark().items():
                print(f"{name:12} {vendor:10} {figure:40} {value}")
