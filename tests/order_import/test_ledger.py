"""The ledger: one row per key, shared by runs; what a run may overwrite; keys held while sent."""
from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest

from pipelines.order_import.ledger import KeyBusy, Ledger, LedgerEntry, LedgerState, LedgerUnusable
from pipelines.order_import.old_ledger import copy_old_ledger

from .conftest import duckdb_held_for_writing

SENDING, CREATED, PLANNED = LedgerState.SENDING, LedgerState.CREATED, LedgerState.PLANNED


def test_a_created_order_stays_created_and_what_another_run_sends_is_kept(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite", source="orders.csv") as ledger:
        ledger.record(LedgerEntry("A", SENDING, rows=(2, 3)))
        ledger.record(LedgerEntry("A", CREATED, "17", rows=(2, 3)))
        ledger.note([LedgerEntry("A", LedgerState.REJECTED, reason="row 2 ..."), LedgerEntry("A", PLANNED)])
        ledger.note([LedgerEntry("A", LedgerState.SKIPPED, "17")])
        ledger.record(LedgerEntry("B", SENDING))
        ledger.note([LedgerEntry("B", PLANNED), LedgerEntry("C", PLANNED)])
        ledger.note([LedgerEntry("C", LedgerState.REJECTED, reason="x")])
        entries = ledger.entries()
    assert entries["A"] == LedgerEntry("A", CREATED, "17", (2, 3), None)
    assert entries["B"].state is SENDING  # in flight: a plan does not hide it
    assert entries["C"].state is LedgerState.REJECTED and entries["C"].reason == "x"


def test_xentral_listing_a_key_replaces_a_stale_sending(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ledger.record(LedgerEntry("K", SENDING))
        ledger.note([LedgerEntry("K", LedgerState.SKIPPED, "9")])
        assert ledger.entries()["K"] == LedgerEntry("K", LedgerState.SKIPPED, "9")


def test_keys_are_one_row_without_regard_to_case_and_large_batches_are_written_whole(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ledger.note(LedgerEntry(f"K{n}", PLANNED, rows=(n,)) for n in range(2500))
        ledger.record(LedgerEntry("k1", CREATED, "5"))
        entries = ledger.entries()
    assert len(entries) == 2500 and entries["K2499"].rows == (2499,)
    assert entries["k1"].state is CREATED and "K1" not in entries


def test_a_claim_is_foreign_unless_the_row_is_this_runs_own_plan(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger(path) as mine, Ledger(path) as other:
        with mine.claim("NEW") as claim:
            assert claim.previous is None and not claim.foreign
        mine.note([LedgerEntry("A", PLANNED), LedgerEntry("B", PLANNED), LedgerEntry("C", PLANNED)])
        other.note([LedgerEntry("B", PLANNED)])  # a second run planned it too
        mine.record(LedgerEntry("C", SENDING))  # as a run that was killed mid-send leaves it
        with mine.claim("A") as a, mine.claim("B") as b, mine.claim("c") as c:
            assert not a.foreign and b.foreign and c.foreign
            assert c.previous is not None and c.previous.state is SENDING


def test_a_key_being_sent_by_one_run_is_not_sent_by_another(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger(path) as first, Ledger(path) as second:
        with first.claim("K-1"):
            with pytest.raises(KeyBusy, match="another import or `orders create` kept sending this order"):
                with second.claim("k-1", wait_seconds=0):
                    pass
        with second.claim("K-1") as claim:  # released: the second run may go on
            assert claim.previous is None


def test_an_unwritable_place_is_one_line_naming_the_path_and_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(LedgerUnusable) as caught:
        Ledger(blocker / "ledger.sqlite").open()
    message = str(caught.value)
    assert "\n" not in message and str(blocker / "ledger.sqlite") in message
    assert "import_ledger_path (or --ledger)" in message and "Nothing was sent" in message
    not_sqlite = tmp_path / "x.duckdb"
    not_sqlite.write_bytes(b"DUCK" * 2048)
    with pytest.raises(LedgerUnusable, match="file is not a database"):
        Ledger(not_sqlite).open()


def _old_ledger(path: Path) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE SCHEMA order_import; CREATE TABLE order_import.ledger (key VARCHAR PRIMARY KEY, "
                           "state VARCHAR, xentral_id VARCHAR, source_rows VARCHAR, reason VARCHAR, source VARCHAR, "
                           "updated_at TIMESTAMPTZ)")
        connection.execute("INSERT INTO order_import.ledger VALUES ('OLD-1', 'created', '17', '2,3', NULL, 'a.csv', "
                           "now()), ('OLD-2', 'sending', NULL, '4', NULL, 'a.csv', now())")


def test_old_entries_in_the_duckdb_file_are_copied_once(tmp_path: Path) -> None:
    duckdb_path = tmp_path / "xentral.duckdb"
    _old_ledger(duckdb_path)
    with Ledger(tmp_path / "l.sqlite") as ledger:
        ledger.record(LedgerEntry("OLD-2", CREATED, "18"))  # newer than the copy: kept
        copy_old_ledger(ledger, duckdb_path)
        assert ledger.entries() == {"OLD-1": LedgerEntry("OLD-1", CREATED, "17", (2, 3)),
                                    "OLD-2": LedgerEntry("OLD-2", CREATED, "18")}
        with duckdb.connect(str(duckdb_path)) as connection:
            connection.execute("UPDATE order_import.ledger SET state = 'failed' WHERE key = 'OLD-1'")
        copy_old_ledger(ledger, duckdb_path)
        assert ledger.entries()["OLD-1"].state is CREATED  # copied once, not again
        with ledger.claim("OLD-1") as claim:
            assert claim.foreign  # written by no run of this version: looked up before any send


def test_old_entries_stay_in_a_duckdb_file_a_sync_holds_until_a_later_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    duckdb_path = tmp_path / "xentral.duckdb"
    _old_ledger(duckdb_path)
    with duckdb_held_for_writing(duckdb_path):
        with Ledger(tmp_path / "l.sqlite") as ledger, caplog.at_level(logging.INFO, "pipelines.order_import"):
            copy_old_ledger(ledger, duckdb_path)
            assert ledger.entries() == {}
    [line] = [record.getMessage() for record in caplog.records]
    assert f"if {duckdb_path} has any (order_import.ledger), stay there for now" in line
    assert "Xentral stays the source of truth" in line
    with Ledger(tmp_path / "l.sqlite") as ledger:
        copy_old_ledger(ledger, duckdb_path)
        assert set(ledger.entries()) == {"OLD-1", "OLD-2"}
