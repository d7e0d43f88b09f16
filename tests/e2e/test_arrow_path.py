"""The Arrow path loads exactly what dlt's per-row normalizer loads: same columns, types and values."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.xentral.arrow_rows import ArrowTables
from tests.e2e.helpers import FAST, SYNC_TABLES, query, sync, table_snapshot

RUN_TIME_COLUMNS = ("details_synced_at", "vanished_at")
"""Set from the time of the run, which differs between the two runs."""


def _no_table(self: ArrowTables, table_name: str, flat: object) -> None:
    """In place of `ArrowTables.table`: every item goes to dlt as dict rows."""


def _column_types(duckdb_path: Path) -> dict[str, list[tuple[str, str]]]:
    return {
        table: query(duckdb_path, "SELECT column_name, data_type FROM information_schema.columns "
                                  f"WHERE table_schema = 'xentral' AND table_name = '{table}' ORDER BY column_name")
        for table in SYNC_TABLES
    }


def _night_of_changes(emulator) -> None:  # noqa: ANN001 - the emulator fixture's object
    world = emulator.world
    world.advance_clock(3600)
    for order_id in world.order_ids()[:10]:
        world.cancel_order(order_id)
    world.create_order()
    for product_id in world.product_ids()[:5]:
        world.update_product(product_id, name="Neu")
    world.delete_customer(world.customer_ids()[0])


def test_arrow_tables_and_dict_rows_load_the_same_tables(
    emulator_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = emulator_factory(orders=180, products=60, customers=40, **FAST)
    arrow_db, rows_db = tmp_path / "arrow.duckdb", tmp_path / "rows.duckdb"
    sync(emulator, arrow_db)
    with monkeypatch.context() as patched:
        patched.setattr(ArrowTables, "table", _no_table)
        sync(emulator, rows_db)
    _night_of_changes(emulator)
    sync(emulator, arrow_db)
    with monkeypatch.context() as patched:
        patched.setattr(ArrowTables, "table", _no_table)
        sync(emulator, rows_db)

    assert _column_types(arrow_db) == _column_types(rows_db)
    assert table_snapshot(arrow_db, ignore=RUN_TIME_COLUMNS) == table_snapshot(rows_db, ignore=RUN_TIME_COLUMNS)
    assert query(arrow_db, "SELECT count(*) FROM xentral.sales_order_positions WHERE _dlt_id IS NULL "
                           "OR _dlt_load_id IS NULL") == [(0,)]
