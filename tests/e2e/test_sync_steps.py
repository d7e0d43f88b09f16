"""A sync that loads in steps of `rows_per_load` rows ends exactly where a one-step sync ends."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dlt
import pytest

from pipelines.sync.runner import PIPELINE_NAME, SyncOptions
from tests.e2e.helpers import (
    FAST,
    age_customer_details,
    assert_matches_truth,
    loaded_orders,
    query,
    sync,
    table_snapshot,
    truth_orders,
)

pytestmark = pytest.mark.e2e

ONE_STEP = 10**6


def test_steps_land_the_same_tables_with_the_same_requests(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=240, products=120, customers=110, **FAST)
    one_step = sync(emulator, tmp_path / "one.duckdb", rows_per_load=ONE_STEP)
    one_step_requests = emulator.stats.snapshot()["operations"]

    emulator.stats.reset()
    in_steps = sync(emulator, tmp_path / "steps.duckdb", rows_per_load=60)

    assert one_step.loads == 1
    assert in_steps.loads >= 3
    assert in_steps.complete
    assert emulator.stats.snapshot()["operations"] == one_step_requests
    assert_matches_truth(emulator, tmp_path / "steps.duckdb")
    ignore = ("details_synced_at",)  # the time each run read the customer
    assert table_snapshot(tmp_path / "steps.duckdb", ignore=ignore) == table_snapshot(tmp_path / "one.duckdb", ignore=ignore)


def test_a_full_refresh_in_steps_drops_the_tables_only_once(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=150, products=20, customers=10, **FAST)
    db = tmp_path / "x.duckdb"
    sync(emulator, db)
    emulator.stats.reset()

    result = sync(emulator, db, SyncOptions(full_refresh=True), rows_per_load=40)

    assert result.loads >= 3
    assert emulator.stats.snapshot()["operations"]["salesOrder.view"] == 150
    assert result.table_rows["sales_orders"] == 150
    assert_matches_truth(emulator, db)


def test_vanished_rows_are_flagged_when_the_complete_listing_spans_steps(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=20, products=130, customers=90, **FAST)
    db = tmp_path / "x.duckdb"
    sync(emulator, db)
    gone_product = emulator.world.product_ids()[7]
    gone_customer = emulator.world.customer_ids()[75]
    emulator.world.delete_product(gone_product)
    emulator.world.delete_customer(gone_customer)
    age_customer_details(db, days=30)

    result = sync(emulator, db, product_full_listing_days=0, rows_per_load=40)

    assert result.loads >= 3
    assert result.vanished == {"products": 1, "customers": 1}
    assert query(db, "SELECT id FROM xentral.products WHERE vanished_at IS NOT NULL") == [(gone_product,)]
    assert query(db, "SELECT id FROM xentral.customers WHERE vanished_at IS NOT NULL") == [(gone_customer,)]
    assert_matches_truth(emulator, db)


def test_a_backfill_window_in_steps_walks_its_pages_once(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=230, products=5, customers=5, **FAST)
    db = tmp_path / "x.duckdb"
    since = datetime(2000, 1, 1, tzinfo=ZoneInfo("Europe/Berlin"))

    result = sync(emulator, db, SyncOptions(since=since), resources=["sales_orders"], rows_per_load=50)

    operations = emulator.stats.snapshot()["operations"]
    assert result.loads >= 3
    assert operations["salesOrder.list"] == math.ceil(230 / 50) + 1  # + the connection check
    assert operations["salesOrder.view"] == 230
    assert loaded_orders(db) == truth_orders(emulator)


def test_rows_moving_while_a_walk_is_paused_for_a_load_are_not_lost(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(  # seed 8 deletes a row and inserts one behind the walk
        orders=240, products=120, customers=110, paging_churn_rate=0.5, paging_churn_limit=6, fault_seed=8, **FAST
    )
    db = tmp_path / "x.duckdb"
    result = sync(emulator, db, rows_per_load=45)
    assert result.loads >= 3
    assert_matches_truth(emulator, db)


def test_a_budget_stop_between_steps_continues_next_run(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=150, products=30, customers=20, **FAST)
    db = tmp_path / "x.duckdb"
    first = sync(emulator, db, rows_per_load=40, max_requests=100)
    assert not first.complete and first.loads > 1
    assert 0 < first.table_rows["sales_orders"] < 150

    sync(emulator, db, rows_per_load=40)

    operations = emulator.stats.snapshot()["operations"]
    assert operations["salesOrder.view"] == 150
    assert_matches_truth(emulator, db)


def test_child_tables_key_on_parent_and_id_and_merge_on_the_parent_also_in_files_from_0_1(
    emulator_factory, tmp_path: Path
) -> None:
    """0.1 keyed positions on their id alone; the parent joins the key, and stays the merge key."""
    emulator = emulator_factory(orders=30, products=5, customers=8, **FAST)
    db = tmp_path / "x.duckdb"
    sync(emulator, db)
    _declare_child_primary_keys_as_0_1_did(db)
    for order_id in emulator.world.order_ids()[:4]:
        emulator.world.update_order(order_id, comment="changed")

    sync(emulator, db)

    assert _child_key_hints(db) == {
        "sales_order_positions": {"id": ["primary_key"], "sales_order_id": ["primary_key", "merge_key"]},
        "customer_addresses": {"customer_id": ["primary_key", "merge_key"], "id": ["primary_key"]},
    }
    assert_matches_truth(emulator, db)


def _pipeline_for(db: Path) -> dlt.Pipeline:
    return dlt.attach(PIPELINE_NAME, pipelines_dir=str(db.parent / ".xentral-sync" / db.stem))


def _declare_child_primary_keys_as_0_1_did(db: Path) -> None:
    pipeline = _pipeline_for(db)
    schema = pipeline.default_schema
    schema.tables["sales_order_positions"]["columns"]["id"]["primary_key"] = True
    for column in ("customer_id", "id"):
        schema.tables["customer_addresses"]["columns"][column]["primary_key"] = True
    pipeline.schemas.save_schema(schema)
    assert "primary_key" in _child_key_hints(db)["sales_order_positions"]["id"]


def _child_key_hints(db: Path) -> dict[str, dict[str, list[str]]]:
    tables = _pipeline_for(db).default_schema.tables
    return {
        table: {
            name: [hint for hint in ("primary_key", "merge_key") if column.get(hint)]
            for name, column in tables[table]["columns"].items()
            if column.get("primary_key") or column.get("merge_key")
        }
        for table in ("sales_order_positions", "customer_addresses")
    }


def test_each_step_is_written_into_the_file_before_the_next_one_fetches(emulator_factory, tmp_path: Path) -> None:
    """Rows left in DuckDB's log stay in its memory, which the memory limit cannot spill."""
    emulator = emulator_factory(orders=150, products=2, customers=2, **FAST)
    db = tmp_path / "x.duckdb"
    log = tmp_path / "x.duckdb.wal"
    log_bytes_while_fetching: list[int] = []

    def note_log_size(*_: object) -> None:
        log_bytes_while_fetching.append(log.stat().st_size if log.exists() else 0)

    result = sync(emulator, db, rows_per_load=40, resources=("sales_orders",), on_progress=note_log_size)

    assert result.loads == 3 and result.table_rows["sales_orders"] == 150
    assert len(log_bytes_while_fetching) >= 6
    assert set(log_bytes_while_fetching) == {0}
