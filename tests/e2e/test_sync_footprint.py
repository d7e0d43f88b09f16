"""What bounds a sync's memory: dlt's write buffers and the settings DuckDB loads with."""

from __future__ import annotations

from pathlib import Path

import dlt
import pytest

from pipelines.xentral.sync import WRITE_BUFFER_ROWS, _pipeline
from tests.e2e.helpers import sync, sync_config


@pytest.mark.parametrize("memory_limit", [None, "96MB"])
def test_duckdb_loads_with_the_memory_settings(emulator_factory, tmp_path: Path, memory_limit) -> None:
    emulator = emulator_factory(orders=20, products=5, customers=5)
    result = sync(emulator, tmp_path / "sync.duckdb", duckdb_memory_limit=memory_limit)
    assert result.complete and result.table_rows["sales_orders"] == 20
    assert dlt.config["data_writer.buffer_max_items"] == WRITE_BUFFER_ROWS

    pipeline = _pipeline(sync_config(emulator, tmp_path / "sync.duckdb", duckdb_memory_limit=memory_limit))
    with pipeline.sql_client() as client:
        [(preserve, limit)] = client.execute_sql(
            "SELECT current_setting('preserve_insertion_order'), current_setting('memory_limit')"
        )
    assert preserve is False
    if memory_limit:
        assert limit == "91.5 MiB"  # DuckDB's own spelling of 96MB
