"""Entries of the ledger that earlier versions kept in the DuckDB file (table ``order_import.ledger``).

They are copied once into the SQLite ledger, when the DuckDB file can be opened read-only (not
while a sync holds it). Until then they stay where they are: Xentral remains the source of truth,
so nothing is sent twice either way.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from pipelines.order_import.ledger import Ledger

log = logging.getLogger("pipelines.order_import.ledger")

OLD_TABLE = "order_import.ledger"
_HAS_TABLE = """
SELECT count(*) FROM information_schema.tables WHERE table_schema = 'order_import' AND table_name = 'ledger'
"""
_ROWS = f"""
SELECT key, state, xentral_id, source_rows, reason, source, CAST(updated_at AS VARCHAR) FROM {OLD_TABLE}
"""


def copy_old_ledger(ledger: Ledger, duckdb_path: Path) -> None:
    """Copy the DuckDB file's old ledger entries into ``ledger`` once, keeping entries the ledger has."""
    if not duckdb_path.is_file():
        return
    origin = str(duckdb_path.resolve())
    if ledger.copied(origin):
        return
    try:
        with duckdb.connect(str(duckdb_path), read_only=True) as connection:
            rows = connection.execute(_ROWS).fetchall() if connection.execute(_HAS_TABLE).fetchone()[0] else []
    except duckdb.Error as error:
        log.warning(
            "ledger entries of earlier versions, if %s has any (%s), stay there for now: it cannot be opened "
            "read-only (%s); they are copied on a later run, and Xentral stays the source of truth meanwhile",
            duckdb_path, OLD_TABLE, str(error).splitlines()[0],
        )
        return
    added = ledger.copy_in(origin, rows)
    if rows:
        log.info("copied %d of %d ledger entries from %s (%s) into %s", added, len(rows), duckdb_path, OLD_TABLE,
                 ledger.path)
