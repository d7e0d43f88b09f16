"""What the sync costs beyond the HTTP it must do, measured against the emulator.

Run: python bench/bench_sync.py [--orders 2000] [--products 300] [--customers 300]

Baseline, measured in the same run: the same requests a full sync makes (the order,
product and customer list pages, every order view, every customer view and addresses),
fetched with a plain keep-alive requests.Session and thrown away. The sync's figures are
reported as ratios to it: what dlt, the DuckDB load, the rate limiter and the bookkeeping add.
The emulator's rate limit is set high so that pacing is not what is measured.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from pipelines.emulator import EmulatorSettings, RunningEmulator, start_emulator
from pipelines.xentral.config import SyncConfig
from pipelines.xentral.extract import SyncOptions
from pipelines.xentral.sync import run_sync

PAGE = 50


def raw_fetch(emulator: RunningEmulator) -> int:
    """Every request a full sync makes, and nothing else; returns the request count."""
    session = requests.Session()
    session.headers.update(emulator.headers())
    base = emulator.base_url
    count = 0

    def list_ids(path: str) -> list[str]:
        nonlocal count
        ids, number = [], 1
        while True:
            params = {"page[number]": number, "page[size]": PAGE, "order[0][field]": "id", "order[0][dir]": "asc"}
            body = session.get(f"{base}{path}", params=params).json()
            count += 1
            ids += [item["id"] for item in body["data"]]
            if number * PAGE >= body["extra"]["totalCount"] or len(body["data"]) < PAGE:
                return ids
            number += 1

    for order_id in list_ids("/api/v1/salesOrders"):
        session.get(f"{base}/api/v1/salesOrders/{order_id}").json()
        count += 1
    list_ids("/api/v2/products")
    for customer_id in list_ids("/api/v2/customers"):
        session.get(f"{base}/api/v2/customers/{customer_id}").json()
        session.get(f"{base}/api/v2/customers/{customer_id}/addresses").json()
        count += 2
    return count


def timed(job: Callable[[], object]) -> float:
    started = time.perf_counter()
    job()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--changed", type=int, default=50, help="orders changed before the incremental run")
    parser.add_argument("--repeat", type=int, default=3, help="baseline runs (the median is used)")
    args = parser.parse_args()

    settings = EmulatorSettings(orders=args.orders, products=args.products, customers=args.customers,
                                rate_limit=1_000_000, rate_window_seconds=1.0)
    with start_emulator(settings) as emulator, tempfile.TemporaryDirectory() as folder:
        config = SyncConfig(base_url=emulator.base_url, token=emulator.token, duckdb_path=Path(folder) / "bench.duckdb",
                            rate_limit=1_000_000, rate_window_seconds=1.0)
        baseline = statistics.median(timed(lambda: raw_fetch(emulator)) for _ in range(args.repeat))
        requests_needed = raw_fetch(emulator)

        emulator.stats.reset()
        full = timed(lambda: run_sync(config, SyncOptions()))
        full_requests = emulator.stats.total()

        emulator.stats.reset()
        unchanged = timed(lambda: run_sync(config, SyncOptions()))
        unchanged_requests = emulator.stats.total()

        for order_id in emulator.world.order_ids()[: args.changed]:
            emulator.world.update_order(order_id, comment="bench")
        emulator.stats.reset()
        changed = timed(lambda: run_sync(config, SyncOptions()))
        changed_views = emulator.stats.count("salesOrder.view")

    listings = sum(math.ceil(count / PAGE) for count in (args.orders, args.products, args.customers))
    minimum = listings + args.orders + 2 * args.customers
    print(f"Instance: {args.orders} orders, {args.products} products, {args.customers} customers")
    print(f"{'run':<34}{'seconds':>9}{'requests':>10}{'x baseline':>12}")
    print(f"{'baseline: raw HTTP, same requests':<34}{baseline:>9.2f}{requests_needed:>10}{1.0:>12.2f}")
    print(f"{'full sync (first run)':<34}{full:>9.2f}{full_requests:>10}{full / baseline:>12.2f}")
    print(f"{'second run, nothing changed':<34}{unchanged:>9.2f}{unchanged_requests:>10}{unchanged / baseline:>12.2f}")
    print(f"{f'run after {args.changed} orders changed':<34}{changed:>9.2f}{'':>10}{changed / baseline:>12.2f}")
    print(f"Requests of a full sync: {full_requests} (lower bound {minimum} + 1 connection check); "
          f"order views after {args.changed} changes: {changed_views}")


if __name__ == "__main__":
    main()
