"""What bounds a sync's memory: dlt's write buffers and the settings DuckDB loads with."""

from __future__ import annotations

from pathlib import Path

import dlt
import pytest

from pipelines.sync.destination import DestinationError
from pipelines.sync.duckdb_target import DuckDBTarget
from pipelines.sync.runner import WRITE_BUFFER_ROWS, _pipeline
from tests.e2e.helpers import FAST, sync, sync_settings


@pytest.mark.parametrize(("memory_limit", "duckdb_spelling"), [(None, "61.0 MiB"), ("96MB", "91.5 MiB")])
def test_duckdb_loads_with_the_memory_settings(
    emulator_factory, tmp_path: Path, memory_limit: str | None, duckdb_spelling: str
) -> None:
    emulator = emulator_factory(orders=20, products=5, customers=5)
    overrides = {"duckdb_memory_limit": memory_limit} if memory_limit else {}  # None: the default, 64MB
    result = sync(emulator, tmp_path / "sync.duckdb", **overrides)
    assert result.complete and result.table_rows["sales_orders"] == 20
    assert dlt.config["data_writer.buffer_max_items"] == WRITE_BUFFER_ROWS

    settings = sync_settings(emulator, tmp_path / "sync.duckdb", **overrides)
    with DuckDBTarget(settings) as target, _pipeline(settings, target).sql_client() as client:
        [(preserve, limit)] = client.execute_sql(
            "SELECT current_setting('preserve_insertion_order'), current_setting('memory_limit')"
        )
    assert preserve is False
    assert limit == duckdb_spelling


def test_a_memory_limit_too_small_for_a_load_says_which_setting_to_raise(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=20, products=5, customers=5, **FAST)
    with pytest.raises(DestinationError, match=r"ran out of memory.*set duckdb_memory_limit higher .*e\.g\. 256MB"):
        sync(emulator, tmp_path / "sync.duckdb", duckdb_memory_limit="1MB")
    result = sync(emulator, tmp_path / "sync.duckdb")
    assert result.complete and result.table_rows["sales_orders"] == 20
