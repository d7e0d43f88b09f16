"""The import ledger: one row per order key in the DuckDB file, schema ``order_import``.

It records what the loader did and is about to do, so that a run killed at any moment can be
understood and finished: ``sending`` is written before the POST and the result after it. Xentral
stays the source of truth (every run asks it which keys exist before sending); the ledger says
which orders were in flight and keeps ids and reasons for people. The sync may hold the DuckDB file
while it loads, so every write opens the file, writes and closes it again, waiting while it is locked.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import duckdb

from pipelines.xentral.errors import XentralError

log = logging.getLogger("pipelines.order_import.ledger")

SCHEMA = "order_import"
TABLE = f"{SCHEMA}.ledger"
LOCK_WAIT_SECONDS = 60.0
LOCK_POLL_SECONDS = 0.2
ROWS_PER_STATEMENT = 1000  # one multi-row INSERT is ~30x faster than executemany's row-by-row upserts

_CREATE = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {TABLE} (
    key VARCHAR PRIMARY KEY,
    state VARCHAR NOT NULL,
    xentral_id VARCHAR,
    source_rows VARCHAR,
    reason VARCHAR,
    source VARCHAR,
    updated_at TIMESTAMPTZ NOT NULL
)
"""
# A created order stays created: a later run may reject the key's rows or fail, but the order exists.
_UPSERT = f"""
INSERT INTO {TABLE} VALUES {{values}}
ON CONFLICT (key) DO UPDATE SET
    state = excluded.state, xentral_id = coalesce(excluded.xentral_id, {TABLE}.xentral_id),
    source_rows = excluded.source_rows, reason = excluded.reason, source = excluded.source,
    updated_at = excluded.updated_at
WHERE {TABLE}.state <> 'created' OR excluded.state = 'created'
"""
_ROW = "(?, ?, ?, ?, ?, ?, now())"


class LedgerState(StrEnum):
    PLANNED = "planned"
    SENDING = "sending"
    CREATED = "created"
    SKIPPED = "skipped"
    REJECTED = "rejected"
    FAILED = "failed"


class LedgerError(XentralError):
    """The ledger cannot be written (the DuckDB file stays locked or is unusable)."""


@dataclass(frozen=True)
class LedgerEntry:
    key: str
    state: LedgerState
    xentral_id: str | None = None
    rows: tuple[int, ...] = ()
    reason: str | None = None


class Ledger:
    """Writes entries to the ledger table of one DuckDB file, one short connection per write."""

    def __init__(self, path: Path, source: str = "") -> None:
        self.path = Path(path)
        self._source = source
        self._created_table = False

    def record(self, entry: LedgerEntry) -> None:
        self.record_many([entry])

    def record_many(self, entries: Iterable[LedgerEntry]) -> None:
        """Write entries in one statement; of several for one key, the last counts."""
        latest = {entry.key: entry for entry in entries}
        if not latest:
            return
        rows = [
            (e.key, e.state.value, e.xentral_id, ",".join(map(str, e.rows)), e.reason, self._source)
            for e in latest.values()
        ]
        with self._connect() as connection:
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                chunk = rows[start : start + ROWS_PER_STATEMENT]
                parameters = [value for row in chunk for value in row]
                connection.execute(_UPSERT.format(values=", ".join([_ROW] * len(chunk))), parameters)

    def entries(self) -> dict[str, LedgerEntry]:
        """Every entry, by key (read by tests and by people; the loader asks Xentral instead)."""
        with self._connect() as connection:
            found = connection.execute(f"SELECT key, state, xentral_id, source_rows, reason FROM {TABLE}").fetchall()
        return {
            key: LedgerEntry(key, LedgerState(state), xentral_id, _rows(source_rows), reason)
            for key, state, xentral_id, source_rows, reason in found
        }

    def _connect(self) -> duckdb.DuckDBPyConnection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                connection = duckdb.connect(str(self.path))
                break
            except duckdb.IOException as error:
                if time.monotonic() >= deadline:
                    raise LedgerError(
                        f"cannot write the import ledger in {self.path}: {error}; is another program holding "
                        "the file? Nothing was sent for the next order; run again when it is free"
                    ) from None
                log.info("%s is locked (a sync may be loading); waiting", self.path)
                time.sleep(LOCK_POLL_SECONDS)
        if not self._created_table:
            connection.execute(_CREATE)
            self._created_table = True
        return connection


def _rows(text: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in (text or "").split(",") if part)


class LedgerJournal:
    """Ledger writes of a send loop, grouped so that a short connection per order is not the bottleneck.

    Before an order is sent it is recorded as ``sending``: together with up to ``ahead`` orders after
    it, in one write, so the next few need none. Results are buffered and written with the next
    write, at the latest ``flush_seconds`` after the last one, and at the end. A run killed in between
    leaves some orders at ``sending`` although they were answered: the next run looks them up in
    Xentral, as it does every key, before anything is sent again.
    """

    def __init__(self, ledger: Ledger, ahead: int = 20, flush_seconds: float = 1.0) -> None:
        self._ledger = ledger
        self._ahead = ahead
        self._flush_seconds = flush_seconds
        self._announced: set[str] = set()
        self._pending: list[LedgerEntry] = []
        self._last_write = time.monotonic()

    def before_sending(self, announcements: Sequence[LedgerEntry], position: int) -> None:
        """Make sure ``announcements[position]`` (the order about to be sent) is recorded as sending."""
        if announcements[position].key not in self._announced:
            batch = announcements[position : position + self._ahead]
            self._announced.update(entry.key for entry in batch)
            self._pending.extend(batch)
            self.flush()

    def record(self, entries: Iterable[LedgerEntry]) -> None:
        self._pending.extend(entries)
        if time.monotonic() - self._last_write >= self._flush_seconds:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._ledger.record_many(self._pending)
            self._pending = []
        self._last_write = time.monotonic()
