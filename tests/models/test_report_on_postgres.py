"""The same emulator world synced into DuckDB and into PostgreSQL: models and data tests green in both,
every report equal, night after night."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.analytics.report import DIMENSIONS
from pipelines.cli import main
from pipelines.emulator import RunningEmulator
from tests.e2e.helpers import FAST, sync

pytestmark = pytest.mark.e2e

FILTERS = ((), ("--status", "created,released", "--since", "2025-06-01", "--top", "3"))


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
    emulator_factory, postgres_destination: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    emulator: RunningEmulator = emulator_factory(orders=300, products=30, customers=25, **FAST)
    db = tmp_path / "x.duckdb"
    duckdb_engine, postgres_engine = ("--duckdb", str(db)), ("--destination", "postgres")

    for night in (1, 2):
        sync(emulator, db)
        sync(emulator, postgres_destination)
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
