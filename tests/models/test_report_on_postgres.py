"""The same emulator world in DuckDB and in PostgreSQL: models and data tests green in both, every report equal.

The world is synced into DuckDB, then its raw tables are loaded into PostgreSQL with dlt's
postgres destination (the sync itself loading into PostgreSQL is tested with the sync).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import dlt
import duckdb
import pytest

from pipelines.analytics.report import DIMENSIONS
from pipelines.cli import main
from pipelines.emulator import RunningEmulator
from pipelines.postgres import ENV, dlt_destination, resolve_postgres_credentials
from tests.e2e.helpers import FAST, SYNC_TABLES, sync

pytestmark = pytest.mark.e2e

FILTERS = ((), ("--status", "created,released", "--since", "2025-06-01", "--top", "3"))


def load_into_postgres(duckdb_path: Path, pipelines_dir: Path) -> None:
    """Every synced raw table, as DuckDB holds it, into the same dataset in PostgreSQL (replacing what was there)."""
    with duckdb.connect(str(duckdb_path), read_only=True) as synced:
        tables = {table: synced.sql(f"select * exclude (_dlt_load_id, _dlt_id) from xentral.{table}").to_arrow_table()
                  for table in SYNC_TABLES}
    pipeline = dlt.pipeline(pipeline_name=f"copy_{uuid.uuid4().hex[:8]}", pipelines_dir=str(pipelines_dir),
                            destination=dlt_destination(resolve_postgres_credentials()), dataset_name="xentral")
    pipeline.run([dlt.resource(rows, name=table, write_disposition="replace") for table, rows in tables.items()])


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, ""), captured.err
    return captured.out


def reports(capsys: pytest.CaptureFixture[str], *engine: str) -> dict[tuple[str, ...], str]:
    """Every `--by` in csv and json, unfiltered and filtered, as printed."""
    return {(by, output_format, *filters): run(capsys, "report", *engine, "--by", by, "--format", output_format, *filters)
            for by in DIMENSIONS for output_format in ("csv", "json") for filters in FILTERS}


def test_a_synced_world_reports_the_same_from_duckdb_and_postgresql_night_after_night(
    emulator_factory, postgres_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emulator: RunningEmulator = emulator_factory(orders=300, products=30, customers=25, **FAST)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV, postgres_uri)
    db = tmp_path / "x.duckdb"
    duckdb_engine, postgres_engine = ("--duckdb", str(db)), ("--destination", "postgres")

    for night in (1, 2):
        sync(emulator, db)
        load_into_postgres(db, tmp_path / "dlt")
        assert "Data tests: all passed" in run(capsys, "models", *duckdb_engine)
        assert "Data tests: all passed" in run(capsys, "models", *postgres_engine)

        in_duckdb, in_postgres = reports(capsys, *duckdb_engine), reports(capsys, *postgres_engine)

        assert {key for key, text in in_duckdb.items() if text.count("\n") < 4} == set(), f"night {night}: empty"
        assert "CHF" in in_duckdb["customer", "csv"] and "EUR" in in_duckdb["customer", "csv"]
        for key, text in in_duckdb.items():
            assert in_postgres[key] == text, f"night {night}: report {' '.join(key)} differs"

        world = emulator.world
        orders = world.order_ids()
        world.cancel_order(orders[0])
        world.update_order(orders[1], status="released")
        world.create_order(status="released", currency="CHF")

    currencies = len(json.loads(in_postgres["customer", "json"])["totals"])
    run(capsys, "report", *postgres_engine, "--format", "html", "--output", "page.html")
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "Data as of the last sync" in page and page.count("<img") == 4 * currencies  # four charts per currency
