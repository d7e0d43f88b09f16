"""The import ledger: one row per order key in a SQLite file of its own, shared by every import.

It records what the loader did and is about to do, so that a run killed at any moment can be
understood and finished: ``sending`` is written before the POST and the result after it. Xentral
stays the source of truth (every run asks it which keys exist before sending); the ledger says
which orders are or were in flight and keeps ids and reasons for people.

Why SQLite and not the sync's DuckDB file: a sync holds its DuckDB file for its whole run, and
DuckDB lets one process write a file at a time, so an import had to wait for the sync to end.
SQLite (standard library) in WAL mode lets any number of processes keep the file open and write
short transactions one after the other (a busy writer is waited for, ``BUSY_TIMEOUT_SECONDS``),
while readers never block. WAL needs a local file system, which the default location beside the
DuckDB file is.

Several imports (and ``orders create``) may share one ledger at the same time. While an order is
being sent, its run holds a lock on the key (a lock file of the key's slot, released by the OS
even on ``kill -9``), so no two runs send one key at once. A run that takes the lock and finds the
key's row written by another run, or left at ``sending`` by a run that died, looks the key up in
Xentral before sending (``Claim.foreign``).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from filelock import FileLock, Timeout

from pipelines.api.errors import ConfigError, XentralError

log = logging.getLogger("pipelines.order_import.ledger")

SETTING = "import_ledger_path (or --ledger)"
BUSY_TIMEOUT_SECONDS = 10.0
"""How long a write waits for another process's write to end (each takes milliseconds)."""
KEY_WAIT_SECONDS = 120.0
"""How long a run waits for another run that is sending the same order (a POST with its retries)."""
KEY_SLOTS = 256

_CREATE = """
CREATE TABLE IF NOT EXISTS ledger (
    folded_key TEXT PRIMARY KEY,  -- the key casefolded: Xentral compares keys without regard to case
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    xentral_id TEXT,
    source_rows TEXT,
    reason TEXT,
    source TEXT,
    run TEXT,                     -- the run that wrote the row last
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS copied_ledgers (origin TEXT PRIMARY KEY, copied_at TEXT NOT NULL);
"""
_INTO = """
INTO ledger (folded_key, key, state, xentral_id, source_rows, reason, source, run, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_INSERT = "INSERT" + _INTO
_COPY = "INSERT OR IGNORE" + _INTO
# Under the key's lock the run knows the latest row (and asked Xentral where it was not its own): its write stands.
_RECORD = _INSERT + """
ON CONFLICT (folded_key) DO UPDATE SET
    key = excluded.key, state = excluded.state, xentral_id = excluded.xentral_id,
    source_rows = excluded.source_rows, reason = excluded.reason, source = excluded.source,
    run = excluded.run, updated_at = excluded.updated_at
"""
# Without the lock: a created order stays created; what another run has in flight or found in Xentral
# is not overwritten by a plan or a rejection. `skipped` (Xentral lists the key) may replace `sending`.
_NOTE = _INSERT + """
ON CONFLICT (folded_key) DO UPDATE SET
    key = excluded.key, state = excluded.state, xentral_id = coalesce(excluded.xentral_id, ledger.xentral_id),
    source_rows = excluded.source_rows, reason = excluded.reason, source = excluded.source,
    run = excluded.run, updated_at = excluded.updated_at
WHERE ledger.state <> 'created' AND (excluded.state = 'skipped' OR ledger.state NOT IN ('sending', 'skipped'))
"""


class LedgerState(StrEnum):
    PLANNED = "planned"
    SENDING = "sending"
    CREATED = "created"
    SKIPPED = "skipped"
    REJECTED = "rejected"
    FAILED = "failed"


class LedgerUnusable(ConfigError):
    """The ledger cannot be opened or written at the start of a run: nothing was sent."""


class LedgerError(XentralError):
    """A ledger write failed during a run: the run stops sending."""


class KeyBusy(XentralError):
    """Another run kept sending the same order for longer than ``KEY_WAIT_SECONDS``."""


@dataclass(frozen=True)
class LedgerEntry:
    key: str
    state: LedgerState
    xentral_id: str | None = None
    rows: tuple[int, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class Claim:
    """The key's row as the run found it on taking the key's lock.

    ``foreign``: another run wrote the row after this run planned the key (or a run died sending
    it), so Xentral must be asked again before the order is sent.
    """

    previous: LedgerEntry | None
    foreign: bool


class Ledger:
    """The ledger file of one run: opened with :meth:`open` (or ``with``), one connection per run."""

    def __init__(self, path: Path, source: str = "") -> None:
        self.path = Path(path)
        self.run = uuid.uuid4().hex[:16]
        self._source = source
        self._connection: sqlite3.Connection | None = None

    def __enter__(self) -> Ledger:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def locks_dir(self) -> Path:
        return self.path.with_name(self.path.name + ".locks")

    def open(self) -> Ledger:
        """Open (or create) the file and prove it can be written; one line naming the setting if not."""
        try:
            self.locks_dir.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")  # WAL stays consistent; a commit survives a kill
            connection.executescript(_CREATE)
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("COMMIT")
        except (OSError, sqlite3.Error) as error:
            raise LedgerUnusable(
                f"cannot write the import ledger {self.path} ({error}); set {SETTING} to a file on a "
                "writable local disk. Nothing was sent"
            ) from None
        self._connection = connection
        return self

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def note(self, entries: Iterable[LedgerEntry]) -> None:
        """Outcomes decided without the key's lock (planned, rejected, skipped, not sent), in one write."""
        self._write(_NOTE, entries)

    def record(self, entry: LedgerEntry) -> None:
        """A step of sending the order whose key this run holds (see :meth:`claim`)."""
        self._write(_RECORD, [entry])

    @contextmanager
    def claim(self, key: str, wait_seconds: float = KEY_WAIT_SECONDS) -> Iterator[Claim]:
        """Hold the key's lock while its order is sent; raises KeyBusy if another run keeps it."""
        lock = FileLock(self.locks_dir / f"{_slot(key):02x}.lock")
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.info("order %s: another run is sending it (or an order sharing its lock); waiting up to %.0f s",
                     key, wait_seconds)
            try:
                lock.acquire(timeout=wait_seconds)
            except Timeout:
                raise KeyBusy(
                    f"another import or `orders create` kept sending this order for {wait_seconds:.0f} s "
                    f"(ledger {self.path}); run again once it has finished to see its outcome"
                ) from None
        try:
            previous = self._entry(key)
            foreign = previous is not None and (previous[1] != self.run or previous[0].state != LedgerState.PLANNED)
            yield Claim(previous[0] if previous else None, foreign)
        finally:
            lock.release()

    def entries(self) -> dict[str, LedgerEntry]:
        """Every entry, by key (read by tests and by people; the loader asks Xentral instead)."""
        found = self._read("SELECT key, state, xentral_id, source_rows, reason FROM ledger", ())
        return {row[0]: _entry(row) for row in found}

    def copied(self, origin: str) -> bool:
        return bool(self._read("SELECT 1 FROM copied_ledgers WHERE origin = ?", (origin,)))

    def copy_in(self, origin: str, rows: list[tuple]) -> int:
        """Entries of an older ledger (key, state, id, rows, reason, source, time), kept where the key
        already has a row; ``origin`` is remembered so they are copied once. Returns how many were new."""
        values = [(key.casefold(), key, state, xentral_id, source_rows, reason, source, None, updated_at)
                  for key, state, xentral_id, source_rows, reason, source, updated_at in rows]
        connection = self._open_connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
            before = connection.total_changes
            connection.executemany(_COPY, values)
            added = connection.total_changes - before
            connection.execute("INSERT OR REPLACE INTO copied_ledgers VALUES (?, ?)", (origin, _now()))
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            connection.rollback()
            raise self._write_error(error) from None
        return added

    def _entry(self, key: str) -> tuple[LedgerEntry, str | None] | None:
        found = self._read("SELECT key, state, xentral_id, source_rows, reason, run FROM ledger WHERE folded_key = ?",
                           (key.casefold(),))
        return (_entry(found[0][:5]), found[0][5]) if found else None

    def _write(self, statement: str, entries: Iterable[LedgerEntry]) -> None:
        latest = {entry.key.casefold(): entry for entry in entries}  # of several for one key, the last counts
        if not latest:
            return
        now = _now()
        values = [
            (folded, e.key, e.state.value, e.xentral_id, ",".join(map(str, e.rows)), e.reason, self._source, self.run,
             now)
            for folded, e in latest.items()
        ]
        connection = self._open_connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(statement, values)
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            if connection.in_transaction:
                connection.rollback()
            raise self._write_error(error) from None

    def _read(self, query: str, parameters: tuple) -> list[tuple]:
        try:
            return self._open_connection().execute(query, parameters).fetchall()
        except sqlite3.Error as error:
            raise self._write_error(error) from None

    def _open_connection(self) -> sqlite3.Connection:
        if self._connection is None:
            self.open()
        assert self._connection is not None
        return self._connection

    def _write_error(self, error: sqlite3.Error) -> LedgerError:
        return LedgerError(
            f"cannot use the import ledger {self.path} ({error}); sending stopped: run again once it is "
            "writable (nothing is sent twice)"
        )


def _slot(key: str) -> int:
    return hashlib.sha1(key.casefold().encode()).digest()[0] % KEY_SLOTS


def _entry(row: tuple) -> LedgerEntry:
    key, state, xentral_id, source_rows, reason = row
    return LedgerEntry(key, LedgerState(state), xentral_id, _rows(source_rows), reason)


def _rows(text: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in (text or "").split(",") if part)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
