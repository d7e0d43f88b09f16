"""The source in a user's own dlt project: `dlt.pipeline(...).run(xentral_source())`, configured the dlt way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dlt
import duckdb
import pytest

from pipelines.xentral import xentral_source
from tests.e2e.helpers import truth_positions

pytestmark = pytest.mark.e2e


def _rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return sorted(connection.execute(sql).fetchall(), key=repr)


def test_run_twice_with_config_from_the_environment_nothing_doubles(
    emulator_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = emulator_factory(orders=40, products=12, customers=8, rate_limit=1000, rate_window_seconds=1.0)
    monkeypatch.setenv("SOURCES__XENTRAL__INSTANCE_HOST", emulator.base_url)
    monkeypatch.setenv("SOURCES__XENTRAL__API_TOKEN", emulator.token)
    monkeypatch.setenv("SOURCES__XENTRAL__RATE_LIMIT", "1000")
    monkeypatch.setenv("SOURCES__XENTRAL__RATE_WINDOW_SECONDS", "1")
    path = tmp_path / "mine.duckdb"
    pipeline = dlt.pipeline("my_xentral", destination=dlt.destinations.duckdb(str(path)), dataset_name="erp",
                            pipelines_dir=str(tmp_path / "dlt"))

    pipeline.run(xentral_source()).raise_on_failed_jobs()
    first_views = emulator.stats.snapshot()["operations"]["salesOrder.view"]
    emulator.world.update_order(emulator.world.order_ids()[0], comment="changed")
    pipeline.run(xentral_source()).raise_on_failed_jobs()

    assert first_views == 40
    assert emulator.stats.snapshot()["operations"]["salesOrder.view"] == 41  # the second run fetched the change only
    assert _rows(path, "SELECT count(*), count(DISTINCT id) FROM erp.sales_orders") == [(40, 40)]
    assert _rows(path, "SELECT count(*), count(DISTINCT id) FROM erp.customers") == [(8, 8)]
    assert _rows(path, "SELECT count(*), count(DISTINCT id) FROM erp.products") == [(12, 12)]
    loaded = _rows(path, "SELECT sales_order_id, id, quantity FROM erp.sales_order_positions")
    assert [(order, position, float(quantity)) for order, position, quantity in loaded] == sorted(
        truth_positions(emulator), key=repr)
    comment = _rows(path, f"SELECT comment FROM erp.sales_orders WHERE id = '{emulator.world.order_ids()[0]}'")
    assert comment == [("changed",)]


def test_a_missing_token_is_dlts_own_config_error_naming_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCES__XENTRAL__INSTANCE_HOST", "acme.xentral.biz")
    monkeypatch.delenv("SOURCES__XENTRAL__API_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(Exception, match="api_token"):
        xentral_source()


def test_the_readme_example_runs_as_written(emulator_factory, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### In your own dlt project", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    emulator = emulator_factory(orders=15, products=5, customers=4, rate_limit=1000, rate_window_seconds=1.0)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("XENTRAL_", "SOURCES__"))}
    env.update(HOME=str(tmp_path), DLT_DATA_DIR=str(tmp_path / "dlt"),  # dlt keeps its pipelines there: this test's own
               PYTHONPATH=str(Path(__file__).resolve().parents[2]), SOURCES__XENTRAL__INSTANCE_HOST=emulator.base_url,
               SOURCES__XENTRAL__API_TOKEN=emulator.token, SOURCES__XENTRAL__RATE_LIMIT="1000",
               SOURCES__XENTRAL__RATE_WINDOW_SECONDS="1")
    done = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert _rows(tmp_path / "xentral.duckdb", "SELECT count(*), count(DISTINCT id) FROM xentral_raw.products") == [(5, 5)]
    assert _rows(tmp_path / "xentral.duckdb", "SELECT count(*) FROM xentral_raw.sales_orders") == [(15,)]
