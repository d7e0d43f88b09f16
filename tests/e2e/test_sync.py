"""The nightly sync over real HTTP against the emulator."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipelines.api.timestamps import parse_timestamp
from pipelines.sync.destination import DestinationError
from pipelines.sync.runner import SyncFailedError, SyncOptions
from tests.e2e.helpers import (
    FAST,
    age_customer_details,
    assert_matches_truth,
    loaded_customers,
    loaded_ids,
    loaded_orders,
    loaded_products,
    query,
    sync,
    table_snapshot,
    truth_customers,
    truth_products,
)

pytestmark = pytest.mark.e2e

BERLIN = ZoneInfo("Europe/Berlin")


def test_full_sync_lands_the_emulators_truth(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=120, products=30, customers=25, **FAST)
    result = sync(emulator, tmp_path / "x.duckdb")

    assert result.complete
    assert_matches_truth(emulator, tmp_path / "x.duckdb")
    assert result.table_rows["sales_orders"] == 120
    assert result.table_rows["sales_order_positions"] >= 120


def test_types_money_decimal_timestamps_with_time_zone(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=20, products=10, customers=5, **FAST)
    sync(emulator, tmp_path / "x.duckdb")

    types = dict(
        query(
            tmp_path / "x.duckdb",
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'xentral'",
        )
    )
    assert types["sales_orders.total__amount"].startswith("DECIMAL")
    assert types["sales_orders.net_sales__amount"].startswith("DECIMAL")
    assert types["sales_order_positions.price__amount"].startswith("DECIMAL")
    assert types["products.sales_price_net__amount"].startswith("DECIMAL")
    assert types["sales_orders.updated_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["customers.updated_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["products.updated_at"] == "TIMESTAMP WITH TIME ZONE"
    assert not [name for name, kind in types.items() if kind in ("FLOAT", "DOUBLE") and name.endswith("amount")]


def test_request_counts_full_then_unchanged_then_k_changed(emulator_factory, tmp_path: Path) -> None:
    orders, products, customers = 130, 55, 40
    emulator = emulator_factory(orders=orders, products=products, customers=customers, **FAST)
    db = tmp_path / "x.duckdb"

    sync(emulator, db)
    first = emulator.stats.snapshot()
    listings = math.ceil(orders / 50) + math.ceil(products / 50) + math.ceil(customers / 50)
    details = orders + 2 * customers
    closing_pages = 3
    connection_check = 1
    assert sum(first["operations"].values()) <= listings + details + closing_pages + connection_check
    assert first["operations"]["salesOrder.view"] == orders
    assert first["operations"]["customer.view.v2"] == customers

    emulator.stats.reset()
    sync(emulator, db)
    second = emulator.stats.snapshot()["operations"]
    assert second.get("salesOrder.view", 0) == 0
    assert second.get("customer.view.v2", 0) == 0
    assert second.get("customer.addresses", 0) == 0
    assert second.get("product.viewV2", 0) == 0

    changed = emulator.world.order_ids()[5:12]
    for order_id in changed:
        emulator.world.update_order(order_id, comment="geändert")
    emulator.stats.reset()
    sync(emulator, db)
    assert emulator.stats.snapshot()["operations"].get("salesOrder.view", 0) == len(changed)
    assert_matches_truth(emulator, db)


def test_run_twice_nothing_doubles(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=80, products=20, customers=15, **FAST)
    db = tmp_path / "x.duckdb"
    sync(emulator, db)
    before = table_snapshot(db, ignore=("details_synced_at",))
    sync(emulator, db)
    assert table_snapshot(db, ignore=("details_synced_at",)) == before
    for table in ("sales_orders", "sales_order_positions", "products", "customers"):
        assert query(db, f"SELECT count(*) - count(DISTINCT id) FROM xentral.{table}") == [(0,)]


def test_changes_between_runs_arrive(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=60, products=20, customers=15, **FAST)
    db = tmp_path / "x.duckdb"
    sync(emulator, db)

    world = emulator.world
    order_ids = world.order_ids()
    world.update_order(order_ids[0], status="completed")
    world.cancel_order(order_ids[1])
    new_order = world.create_order()
    world.update_product(world.product_ids()[2], name="Schreibtischlampe Größe L")
    world.update_customer(world.customer_ids()[3], name="Bäckerei Schäfer KG")
    sync(emulator, db)

    assert_matches_truth(emulator, db)
    assert loaded_orders(db)[order_ids[1]][0] == "canceled"
    assert new_order in loaded_ids(db, "sales_orders")


def test_cursor_across_the_autumn_daylight_saving_change(emulator_factory, tmp_path: Path) -> None:
    """After 03:00 CEST the clock reads 02:xx again: later instants with earlier-looking strings."""
    emulator = emulator_factory(orders=30, products=10, customers=5, **FAST)
    db = tmp_path / "x.duckdb"
    world = emulator.world
    world.set_clock(datetime(2026, 10, 25, 2, 40, tzinfo=ZoneInfo("Europe/Berlin")))  # +02:00
    world.update_order(world.order_ids()[0], comment="vor der Zeitumstellung")
    sync(emulator, db, cursor_lag_seconds=0)

    world.advance_clock(30 * 60)  # 02:10+01:00: as a string earlier than 02:40+02:00
    moved = world.order_ids()[1]
    world.update_order(moved, comment="nach der Zeitumstellung")
    assert "+01:00" in world.order_view(moved)["updatedAt"]
    emulator.stats.reset()
    sync(emulator, db, cursor_lag_seconds=0)

    assert emulator.stats.snapshot()["operations"].get("salesOrder.view", 0) == 1
    assert_matches_truth(emulator, db)


def test_backfill_window_does_not_move_the_cursor_and_future_window_fetches_nothing(
    emulator_factory, tmp_path: Path
) -> None:
    emulator = emulator_factory(orders=40, products=10, customers=5, **FAST)
    db = tmp_path / "x.duckdb"
    sync(emulator, db)
    changed = emulator.world.order_ids()[3]
    emulator.world.update_order(changed, comment="nach dem ersten Lauf")

    emulator.stats.reset()
    future = datetime.now(BERLIN) + timedelta(days=365)
    sync(emulator, db, SyncOptions(since=future), resources=["sales_orders"])
    assert emulator.stats.snapshot()["operations"].get("salesOrder.view", 0) == 0

    emulator.stats.reset()
    sync(emulator, db, resources=["sales_orders"])
    assert emulator.stats.snapshot()["operations"].get("salesOrder.view", 0) == 1
    assert_matches_truth(emulator, db)


@pytest.mark.parametrize(
    "faults",
    [
        {"error_rate": 0.15},
        {"foreign_429_rate": 0.1},
        {"drop_rate": 0.08},
        {"truncate_rate": 0.08},
        {"error_rate": 0.05, "foreign_429_rate": 0.05, "drop_rate": 0.03, "truncate_rate": 0.03},
    ],
    ids=["5xx", "foreign-429", "dropped", "truncated", "mixed"],
)
def test_faults_still_end_with_the_truth(emulator_factory, tmp_path: Path, faults: dict) -> None:
    emulator = emulator_factory(orders=60, products=20, customers=12, fault_seed=7, **faults, **FAST)
    db = tmp_path / "x.duckdb"
    result = sync(emulator, db, max_attempts=8)
    assert result.complete
    emulator.update_settings(**{name: 0.0 for name in faults})
    assert_matches_truth(emulator, db)


@pytest.mark.parametrize("seed", [2, 3, 6, 8])  # 2, 6 and 8 delete a row and insert one behind the walk
def test_rows_deleted_or_inserted_while_paging(emulator_factory, tmp_path: Path, seed: int) -> None:
    """A walk that listed rows which were deleted (or inserted behind it) walks again."""
    emulator = emulator_factory(
        orders=240, products=120, customers=110, paging_churn_rate=0.5, paging_churn_limit=6, fault_seed=seed, **FAST
    )
    db = tmp_path / "x.duckdb"
    sync(emulator, db)
    assert emulator.stats.snapshot()["operations"]["salesOrder.list"] > 5  # walked again
    assert (len(emulator.world.order_ids()), len(emulator.world.product_ids()), len(emulator.world.customer_ids())) != (240, 120, 110)
    assert_matches_truth(emulator, db)


def test_rows_changing_under_every_walk_arrive_with_the_next_quiet_run(emulator_factory, tmp_path: Path) -> None:
    """Nothing listed is ever lost; what changes after the last walk is the next run's."""
    emulator = emulator_factory(orders=240, products=120, customers=110, paging_churn_rate=0.5, fault_seed=3, **FAST)
    db = tmp_path / "x.duckdb"
    started = datetime.now(BERLIN).replace(microsecond=0)  # the emulator stamps whole seconds
    sync(emulator, db)
    emulator.update_settings(paging_churn_rate=0.0)
    existing_before = {
        order_id for order_id in emulator.world.order_ids()
        if parse_timestamp(emulator.world.order_view(order_id)["createdAt"]) < started
    }
    assert existing_before <= loaded_ids(db, "sales_orders")
    assert set(emulator.world.customer_ids()) <= loaded_ids(db, "customers")

    sync(emulator, db, product_full_listing_days=0)
    assert loaded_products(db) == truth_products(emulator)
    assert loaded_customers(db) == truth_customers(emulator)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 6, 7, 8, 9])
def test_a_walk_alone_under_heavy_churn_loses_no_order_that_existed_before_it(
    emulator_factory, tmp_path: Path, seed: int
) -> None:
    """Rows deleted behind the walk while it re-reads a page shift the listing twice: it reads
    on until two pages agree, so no order that exists throughout is skipped."""
    emulator = emulator_factory(orders=240, products=5, customers=5, paging_churn_rate=0.5, fault_seed=seed, **FAST)
    db = tmp_path / "x.duckdb"
    started = datetime.now(BERLIN).replace(microsecond=0)  # the emulator stamps whole seconds
    sync(emulator, db, resources=("sales_orders",))
    existing_before = {
        order_id for order_id in emulator.world.order_ids()
        if parse_timestamp(emulator.world.order_view(order_id)["createdAt"]) < started
    }
    assert emulator.stats.snapshot()["operations"]["salesOrder.list"] > 6  # re-read pages
    assert existing_before <= loaded_ids(db, "sales_orders")


def test_retries_exhausted_fail_naming_the_request_and_keep_the_cursor(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=60, products=10, customers=5, **FAST)
    db = tmp_path / "x.duckdb"
    emulator.fail_next("salesOrder.view", 1000, status=503)

    with pytest.raises(SyncFailedError, match=r"GET /api/v1/salesOrders/\d+.*503"):
        sync(emulator, db, max_attempts=3)
    assert loaded_ids(db, "customers") == set(emulator.world.customer_ids())

    emulator.fail_next("salesOrder.view", 0)
    emulator.stats.reset()
    sync(emulator, db)
    assert emulator.stats.snapshot()["operations"]["salesOrder.view"] == 60
    assert_matches_truth(emulator, db)


def test_max_requests_stops_cleanly_and_next_runs_continue_without_refetching(
    emulator_factory, tmp_path: Path
) -> None:
    emulator = emulator_factory(orders=150, products=30, customers=20, **FAST)
    db = tmp_path / "x.duckdb"
    runs = 0
    while True:
        runs += 1
        result = sync(emulator, db, max_requests=60)
        if result.complete:
            break
        assert result.run.stop_reason and "60" in result.run.stop_reason
        assert runs < 20
    assert runs > 3
    operations = emulator.stats.snapshot()["operations"]
    assert operations["salesOrder.view"] == 150
    assert operations["customer.view.v2"] == 20
    assert_matches_truth(emulator, db)


def test_vanished_products_and_customers_are_flagged(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=20, products=15, customers=10, **FAST)
    db = tmp_path / "x.duckdb"
    sync(emulator, db)
    gone_product = emulator.world.product_ids()[4]
    gone_customer = emulator.world.customer_ids()[2]
    emulator.world.delete_product(gone_product)
    emulator.world.delete_customer(gone_customer)

    result = sync(emulator, db, product_full_listing_days=0)

    assert result.vanished == {"products": 1, "customers": 1}
    flagged = query(db, "SELECT id FROM xentral.products WHERE vanished_at IS NOT NULL")
    assert flagged == [(gone_product,)]
    assert query(db, "SELECT id FROM xentral.customers WHERE vanished_at IS NOT NULL") == [(gone_customer,)]
    assert_matches_truth(emulator, db)


def test_every_page_of_a_customers_addresses_and_a_404_on_them_skips_the_customer(
    emulator_factory, tmp_path: Path
) -> None:
    emulator = emulator_factory(orders=5, products=5, customers=10, **FAST)
    db = tmp_path / "x.duckdb"
    emulator.fail_next("customer.address.list.v2", 1, 404)  # the first customer's: deleted after its view answered
    sync(emulator, db)

    assert "1" not in loaded_customers(db)  # skipped this run, not stored as a customer without addresses
    many = len(emulator.world.customer_addresses("7"))
    assert many > 10
    assert query(db, "SELECT count(*) FROM xentral.customer_addresses WHERE customer_id = '7'") == [(many,)]
    sync(emulator, db)
    assert_matches_truth(emulator, db)


def test_customer_details_are_refreshed_within_the_rolling_window(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=5, products=5, customers=30, **FAST)
    db = tmp_path / "x.duckdb"
    sync(emulator, db, customer_refresh_days=7)

    age_customer_details(db, days=8)
    emulator.stats.reset()
    sync(emulator, db, customer_refresh_days=7)
    assert emulator.stats.snapshot()["operations"]["customer.view.v2"] == 30

    age_customer_details(db, days=1)
    emulator.stats.reset()
    sync(emulator, db, customer_refresh_days=7)
    refreshed = emulator.stats.snapshot()["operations"].get("customer.view.v2", 0)
    assert 0 < refreshed < 30


def test_full_refresh_takes_everything_again(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=30, products=10, customers=8, **FAST)
    db = tmp_path / "x.duckdb"
    sync(emulator, db)
    emulator.stats.reset()
    sync(emulator, db, SyncOptions(full_refresh=True))
    assert emulator.stats.snapshot()["operations"]["salesOrder.view"] == 30
    assert_matches_truth(emulator, db)


def test_alone_against_the_limit_a_run_draws_no_429(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=120, products=20, customers=15, rate_limit=40, rate_window_seconds=1.0)
    result = sync(emulator, tmp_path / "x.duckdb")
    assert emulator.stats.snapshot()["rateLimited"] == 0
    assert result.rate_limit_waits > 0  # it had to pace: 190 requests against 40 a second
    assert_matches_truth(emulator, tmp_path / "x.duckdb")


def test_time_budget_stops_cleanly_and_the_next_run_finishes(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=100, products=10, customers=5, latency_ms=15, **FAST)
    db = tmp_path / "x.duckdb"
    first = sync(emulator, db, time_budget_seconds=0.5)
    assert not first.complete and "time budget" in (first.run.stop_reason or "")
    assert 0 < first.table_rows["sales_orders"] < 100

    second = sync(emulator, db)
    assert second.complete
    assert emulator.stats.snapshot()["operations"]["salesOrder.view"] == 100
    assert_matches_truth(emulator, db)


def test_a_file_that_is_not_duckdb_stops_the_run_before_any_order_is_fetched(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=5, products=2, customers=2, **FAST)
    db = tmp_path / "x.duckdb"
    db.write_text("order_id;amount\n1;9.99\n")  # a CSV saved under the DuckDB file's name
    with pytest.raises(DestinationError, match=r"opening DuckDB failed: .*x\.duckdb.*; nothing was fetched yet"):
        sync(emulator, db)
    assert emulator.stats.snapshot()["operations"].get("salesOrder.view", 0) == 0
    assert db.read_text() == "order_id;amount\n1;9.99\n"


def test_a_duckdb_file_held_open_elsewhere_stops_the_run_with_one_line(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=20, products=5, customers=5, **FAST)
    db = tmp_path / "x.duckdb"
    sync(emulator, db)
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, duckdb; c = duckdb.connect(sys.argv[1], read_only=True); print('open', flush=True); time.sleep(60)",
         str(db)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
        emulator.stats.reset()
        with pytest.raises(DestinationError, match=r"open in another process \(process \d+\).*nothing was fetched"):
            sync(emulator, db)
        assert emulator.stats.snapshot()["operations"].get("salesOrder.view", 0) == 0
    finally:
        reader.kill()
        reader.wait()
    emulator.world.update_order(emulator.world.order_ids()[0], comment="nach dem Lesen")
    sync(emulator, db)
    assert_matches_truth(emulator, db)
