"""The ledger: one row per key, a created order stays created, large batches in one write."""
from __future__ import annotations

from pathlib import Path

from pipelines.order_import.ledger import Ledger, LedgerEntry, LedgerJournal, LedgerState


def test_created_is_never_downgraded_but_updated_by_later_states(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.duckdb", source="orders.csv")
    ledger.record(LedgerEntry("A", LedgerState.SENDING, rows=(2, 3)))
    ledger.record(LedgerEntry("A", LedgerState.CREATED, "17", rows=(2, 3)))
    ledger.record(LedgerEntry("A", LedgerState.REJECTED, reason="row 2 ..."))
    ledger.record(LedgerEntry("A", LedgerState.SKIPPED, "17"))
    ledger.record_many([LedgerEntry("B", LedgerState.SENDING), LedgerEntry("B", LedgerState.FAILED, reason="x")])
    entries = ledger.entries()
    assert entries["A"] == LedgerEntry("A", LedgerState.CREATED, "17", (2, 3), None)
    assert entries["B"].state is LedgerState.FAILED and entries["B"].reason == "x"


def test_a_large_batch_is_written_whole(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.duckdb")
    ledger.record_many(LedgerEntry(f"K{n}", LedgerState.PLANNED, rows=(n,)) for n in range(2500))
    entries = ledger.entries()
    assert len(entries) == 2500 and entries["K2499"].rows == (2499,)


def test_the_journal_records_sending_before_each_order_is_sent(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.duckdb")
    journal = LedgerJournal(ledger, ahead=2, flush_seconds=3600)
    announcements = [LedgerEntry(key, LedgerState.SENDING) for key in ("A", "B", "C")]
    journal.before_sending(announcements, 0)
    assert {k: e.state for k, e in ledger.entries().items()} == {"A": LedgerState.SENDING, "B": LedgerState.SENDING}
    journal.record([LedgerEntry("A", LedgerState.CREATED, "1")])
    journal.before_sending(announcements, 1)  # B was announced with A: nothing written
    assert ledger.entries()["A"].state is LedgerState.SENDING
    journal.before_sending(announcements, 2)  # C is not: written with A's result
    assert {k: e.state for k, e in ledger.entries().items()} == {
        "A": LedgerState.CREATED, "B": LedgerState.SENDING, "C": LedgerState.SENDING}
