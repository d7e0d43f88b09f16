"""Running syncs against the emulator and comparing the destination with the emulator's truth.

Where a sync loads is a DuckDB file (a `Path`) or a PostgreSQL database (its URI, a `str`); the
PostgreSQL credentials reach the sync the dlt way, so a test sets `DESTINATION__POSTGRES__CREDENTIALS`
to the same URI (the `postgres_destination` fixture does).
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psycopg2

from pipelines.api.timestamps import parse_timestamp
from pipelines.emulator import RunningEmulator
from pipelines.settings import Settings
from pipelines.sync.runner import SyncOptions, SyncResult, run_sync

SYNC_TABLES = ("sales_orders", "sales_order_positions", "products", "customers", "customer_addresses")

FAST = {"rate_limit": 1000, "rate_window_seconds": 1.0}
"""Emulator settings whose rate limit never slows a test."""


Where = Path | str
"""A DuckDB file, or the URI of a PostgreSQL database."""


def sync_settings(emulator: RunningEmulator, where: Where, **overrides: Any) -> Settings:
    """Settings for the emulator: its limit and window, fast retries; v1 unless `api` says otherwise
    (most tests are about v1's walks; `test_sync_v3.py` is about v3's)."""
    into = {"destination": "postgres"} if isinstance(where, str) else {"duckdb_path": where}
    settings = Settings(
        instance_host=emulator.base_url,
        api_token=emulator.token,
        **into,
        rate_limit=emulator.settings.rate_limit,
        rate_window_seconds=emulator.settings.rate_window_seconds,
        retry_backoff_seconds=0.01,
        request_timeout=5.0,
        api="v1",
    )
    return replace(settings, **overrides)


def sync(emulator: RunningEmulator, where: Where, options: SyncOptions | None = None, **kwargs: Any) -> SyncResult:
    overrides = {key: kwargs.pop(key) for key in list(kwargs) if key in Settings.__dataclass_fields__}
    return run_sync(sync_settings(emulator, where, **overrides), options or SyncOptions(), **kwargs)


def query(where: Where, sql: str) -> list[tuple[Any, ...]]:
    if isinstance(where, str):
        with closing(psycopg2.connect(where)) as connection, connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    with duckdb.connect(str(where), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def loaded_orders(where: Where) -> dict[str, tuple[Any, ...]]:
    rows = query(
        where,
        "SELECT id, status, updated_at, total__amount, net_sales__amount FROM xentral.sales_orders WHERE vanished_at IS NULL",
    )
    return {row[0]: row[1:] for row in rows}


V1_STATUS = {"draft": "created", "cancelled": "canceled"}


def truth_orders(emulator: RunningEmulator, api: str = "v1") -> dict[str, tuple[Any, ...]]:
    """Each order as the v1 view says; through v3, v1's `unknown` is the status v3 shows instead."""
    unknown = V1_STATUS.get(emulator.settings.v3_unknown_status, emulator.settings.v3_unknown_status)
    truth = {}
    for order_id in emulator.world.order_ids():
        view = emulator.world.order_view(order_id)
        truth[order_id] = (
            unknown if api == "v3" and view["status"] == "unknown" else view["status"],
            parse_timestamp(view["updatedAt"]),
            Decimal(view["total"]["amount"]),
            Decimal(view["netSales"]["amount"]),
        )
    return truth


def loaded_positions(where: Where) -> list[tuple[str, str, float]]:
    """Every position row of a live order, sorted: a row loaded twice shows twice."""
    rows = query(
        where,
        "SELECT p.sales_order_id, p.id, p.quantity FROM xentral.sales_order_positions p "
        "JOIN xentral.sales_orders o ON o.id = p.sales_order_id WHERE o.vanished_at IS NULL",
    )
    return sorted((order_id, position_id, float(quantity)) for order_id, position_id, quantity in rows)


def truth_positions(emulator: RunningEmulator) -> list[tuple[str, str, float]]:
    return sorted(
        (order_id, position["id"], float(position["quantity"]))
        for order_id in emulator.world.order_ids()
        for position in emulator.world.order_view(order_id)["positions"]
    )


def loaded_ids(where: Where, table: str) -> set[str]:
    return {row[0] for row in query(where, f"SELECT id FROM xentral.{table} WHERE vanished_at IS NULL")}


def loaded_customers(where: Where) -> dict[str, tuple[Any, ...]]:
    rows = query(where, "SELECT id, name, updated_at FROM xentral.customers WHERE vanished_at IS NULL")
    return {row[0]: row[1:] for row in rows}


def truth_customers(emulator: RunningEmulator) -> dict[str, tuple[Any, ...]]:
    truth = {}
    for customer_id in emulator.world.customer_ids():
        view = emulator.world.customer_view(customer_id)
        truth[customer_id] = (view["name"], parse_timestamp(view["updatedAt"]))
    return truth


def loaded_addresses(where: Where) -> list[tuple[str, ...]]:
    """Every address row of a live customer, sorted: a row loaded twice shows twice."""
    rows = query(
        where,
        "SELECT a.customer_id, a.id, a.type, a.zip, a.sub_department FROM xentral.customer_addresses a "
        "JOIN xentral.customers c ON c.id = a.customer_id WHERE c.vanished_at IS NULL",
    )
    return sorted(rows, key=repr)


def truth_addresses(emulator: RunningEmulator) -> list[tuple[str, ...]]:
    return sorted((
        (customer_id, address["id"], address["type"], address["zip"], address["subDepartment"])
        for customer_id in emulator.world.customer_ids()
        for address in emulator.world.customer_addresses(customer_id)
    ), key=repr)


def loaded_products(where: Where) -> dict[str, tuple[Any, ...]]:
    rows = query(where, "SELECT id, name, updated_at FROM xentral.products WHERE vanished_at IS NULL")
    return {row[0]: row[1:] for row in rows}


def truth_products(emulator: RunningEmulator) -> dict[str, tuple[Any, ...]]:
    truth = {}
    for product_id in emulator.world.product_ids():
        item = emulator.world.product_list_item(product_id)
        truth[product_id] = (item["name"], parse_timestamp(item["updatedAt"]))
    return truth


def assert_matches_truth(emulator: RunningEmulator, where: Where, api: str = "v1") -> None:
    """The destination holds exactly what the emulator holds now: every table, row by row (`api`:
    the one sales orders were read through)."""
    assert loaded_orders(where) == truth_orders(emulator, api)
    assert loaded_positions(where) == truth_positions(emulator)
    assert loaded_products(where) == truth_products(emulator)
    assert loaded_customers(where) == truth_customers(emulator)
    assert loaded_addresses(where) == truth_addresses(emulator)


def table_snapshot(where: Where, *, ignore: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every synced table's rows without dlt's own columns (and `ignore`d ones), sorted."""
    snapshot = {}
    for table in SYNC_TABLES:
        columns = [
            name for (name,) in query(
                where,
                "SELECT column_name FROM information_schema.columns "
                f"WHERE table_schema = 'xentral' AND table_name = '{table}' ORDER BY column_name",
            )
            if not name.startswith("_dlt") and name not in ignore
        ]
        select = ", ".join(f'"{name}"' for name in columns)
        snapshot[table] = sorted(map(repr, query(where, f"SELECT {select} FROM xentral.{table}")))
    return snapshot


def age_customer_details(duckdb_path: Path, *, days: int) -> None:
    """Make every customer's details look `days` older, as if read that long ago."""
    with duckdb.connect(str(duckdb_path)) as connection:
        connection.execute(f"UPDATE xentral.customers SET details_synced_at = details_synced_at - INTERVAL {days} DAY")
