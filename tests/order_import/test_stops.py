"""A run that stops early still writes its results file, keeps its ledger honest, and sends nothing twice."""
from __future__ import annotations

import pytest

from pipelines.cli import main
from pipelines.order_import import run as import_run
from pipelines.order_import.ledger import Ledger, LedgerError, LedgerState

from .conftest import csv_bytes, import_env, one_position_rows, orders_with_key

pytestmark = pytest.mark.e2e

KEYS = ["STOP-1", "STOP-2", "STOP-3"]


@pytest.fixture
def setup(world_emulator, tmp_path, monkeypatch):
    emu = world_emulator()
    for name, value in import_env(emu).items():
        monkeypatch.setenv(name, value)
    file = tmp_path / "orders.csv"
    file.write_bytes(csv_bytes(one_position_rows(KEYS)))
    return emu, file, tmp_path / "ledger.sqlite"


def _results(file) -> list[list[str]]:
    lines = file.with_name("orders.results.csv").read_text(encoding="utf-8-sig").splitlines()
    return [line.split(",", 4) for line in lines[1:]]


def test_ctrl_c_while_sending_writes_the_results_and_a_rerun_finishes(setup, monkeypatch, capsys):
    emu, file, ledger = setup
    real_send = import_run.send_order
    sent: list[str] = []

    def interrupted_at_the_second(client, draft, payload, policy):
        sent.append(draft.key)
        if len(sent) == 2:
            raise KeyboardInterrupt
        return real_send(client, draft, payload, policy)

    monkeypatch.setattr(import_run, "send_order", interrupted_at_the_second)
    assert main(["import", str(file), "--ledger", str(ledger)]) == 130
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines()[-1].startswith("error: interrupted")
    assert "1 created, 0 rejected, 2 failed; results in" in captured.out
    results = _results(file)
    assert [row[:2] for row in results] == [["STOP-1", "created"], ["STOP-2", "failed"], ["STOP-3", "failed"]]
    assert "unfinished: interrupted; run again to finish it" in results[1][4]
    with Ledger(ledger) as opened:
        assert opened.entries()["STOP-2"].state is LedgerState.SENDING  # its outcome is open: looked up next time

    monkeypatch.setattr(import_run, "send_order", real_send)
    assert main(["import", str(file), "--ledger", str(ledger)]) == 0
    assert all(len(orders_with_key(emu, key)) == 1 for key in KEYS)


def test_an_unwritable_ledger_stops_before_any_request_with_exit_2(setup, capsys):
    emu, file, _ = setup
    blocker = file.with_name("not-a-folder")
    blocker.write_text("")
    requests_before = emu.stats.total()

    assert main(["import", str(file), "--ledger", str(blocker / "ledger.sqlite")]) == 2

    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: cannot write the import ledger {blocker / 'ledger.sqlite'}")
    assert "set import_ledger_path (or --ledger) to a file on a writable local disk. Nothing was sent" in line
    assert emu.stats.total() == requests_before
    assert [row[1] for row in _results(file)] == ["failed"] * 3


def test_a_ledger_failing_after_sending_began_stops_the_run_and_keeps_what_was_created(setup, monkeypatch, capsys):
    emu, file, ledger = setup
    real_record = Ledger.record
    writes: list[str] = []

    def fails_on_the_first_result(self, entry):
        writes.append(entry.state)
        if entry.state is LedgerState.CREATED:
            raise LedgerError("cannot use the import ledger (disk full)")
        real_record(self, entry)

    monkeypatch.setattr(Ledger, "record", fails_on_the_first_result)
    assert main(["import", str(file), "--ledger", str(ledger)]) == 1

    assert "error: stopped sending: cannot use the import ledger (disk full)" in capsys.readouterr().err
    results = _results(file)
    assert [row[1] for row in results] == ["created", "failed", "failed"]
    assert "not sent: cannot use the import ledger (disk full)" in results[1][4]
    assert len(orders_with_key(emu, "STOP-1")) == 1 and not orders_with_key(emu, "STOP-2")
