"""Imports and `orders create` next to a running sync, and two imports on one ledger at the same time."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.order_import.ledger import Ledger, LedgerState

from .conftest import csv_bytes, duckdb_held_for_writing, import_env, one_position_rows, orders_with_key

pytestmark = pytest.mark.e2e


def test_an_import_and_orders_create_run_while_a_sync_holds_the_duckdb_file(
    world_emulator, tmp_path, monkeypatch, capsys, caplog
):
    emu = world_emulator()
    for name, value in import_env(emu).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    keys = [f"SYNC-{number}" for number in range(5)]
    file = tmp_path / "orders.csv"
    file.write_bytes(csv_bytes(one_position_rows(keys)))
    duckdb_path = tmp_path / "xentral.duckdb"
    seeded = emu.world.order_count()

    with duckdb_held_for_writing(duckdb_path):
        imported = main(["import", str(file), "--duckdb", str(duckdb_path)])
        out = capsys.readouterr().out
        created = main(["orders", "create", "--customer", "10001", "--item", "AR-10002:1", "--external-number",
                        "PHONE-1", "--duckdb", str(duckdb_path)])
        err = capsys.readouterr().err

    assert imported == 0 and created == 0, out
    assert all(len(orders_with_key(emu, key)) == 1 for key in [*keys, "PHONE-1"])
    assert emu.world.order_count() == seeded + 6
    ledger_path = tmp_path / "xentral.import-ledger.sqlite"
    assert f"5 created, 0 rejected, 0 failed; results in {file.with_name('orders.results.csv')}; " \
           f"ledger {ledger_path}" in out
    assert f"note: import ledger {ledger_path}" in err
    with Ledger(ledger_path) as ledger:
        assert {key: entry.state for key, entry in ledger.entries().items()} == dict.fromkeys(
            [*keys, "PHONE-1"], LedgerState.CREATED)
    assert not [r for r in caplog.records if "locked" in r.getMessage()]


def _import(file: Path, ledger: Path) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", "import", str(file), "--ledger", str(ledger)]


def test_two_imports_of_one_file_on_one_ledger_create_each_order_once(world_emulator, tmp_path):
    # Slow answers keep each order in flight long enough for the other run to meet it.
    emu = world_emulator(slow_import_seconds=0.05, duplicate_external_order_number="accept")
    keys = [f"TWICE-{number:02d}" for number in range(10)]
    first_file, second_file = tmp_path / "a.csv", tmp_path / "b.csv"
    first_file.write_bytes(csv_bytes(one_position_rows(keys)))
    second_file.write_bytes(csv_bytes(one_position_rows(keys)))
    ledger = tmp_path / "ledger.sqlite"
    env = import_env(emu)
    seeded = emu.world.order_count()

    runs = [subprocess.Popen(_import(file, ledger), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for file in (first_file, second_file)]
    answers = [run.communicate(timeout=120) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], answers
    assert all(len(orders_with_key(emu, key)) == 1 for key in keys)
    assert emu.world.order_count() == seeded + len(keys)
    assert emu.stats.count("salesOrder.import") == len(keys)
    with Ledger(ledger) as opened:
        entries = opened.entries()
    assert set(entries) == set(keys)
    assert {entry.state for entry in entries.values()} <= {LedgerState.CREATED, LedgerState.SKIPPED}
