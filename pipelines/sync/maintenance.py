"""The one place the sync writes dlt's tables itself, after dlt loaded them.

- Vanished rows: after a complete listing, rows it no longer shows get `vanished_at`, and rows it
  shows again lose it. dlt merges whole rows only, and the source never reads rows back, so
  the flag is set here, in the destination, with two UPDATEs per table, all in one transaction
  (readers of PostgreSQL see every table flagged, or none). The listed ids reach the engine as
  a relation `listed_ids`: an Arrow table DuckDB reads in place, a temporary table PostgreSQL fills with COPY.
- Rows doubled by 0.1: its child tables (positions, addresses) had no primary key, and a run killed
  after DuckDB committed a load job, but before dlt recorded the job as done, loaded the job again
  on the next run and left its rows twice (same `_dlt_id`). Their primary key now prevents that
  (`resources._child_rows`); `drop_doubled_child_rows` removes the copies already there. It uses
  DuckDB's `rowid`, and only DuckDB needs it: that version never loaded into PostgreSQL.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import dlt
import duckdb
import pyarrow as pa
import pyarrow.csv
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.destinations.sql_client import SqlClientBase

from pipelines.xentral.listed_ids import ListedIds
from pipelines.xentral.settings import ADDRESSES_TABLE, POSITIONS_TABLE

log = logging.getLogger(__name__)

CHILD_TABLES = (POSITIONS_TABLE, ADDRESSES_TABLE)


def drop_doubled_child_rows(pipeline: dlt.Pipeline) -> dict[str, int]:
    """Delete every second copy of a child row (same `_dlt_id`); returns the rows deleted per table."""
    deleted: dict[str, int] = {}
    with pipeline.sql_client() as client:
        for table in CHILD_TABLES:
            qualified = client.make_qualified_table_name(table)
            try:
                [(copies,)] = client.execute_sql(f"SELECT count(*) - count(DISTINCT _dlt_id) FROM {qualified}")
            except DatabaseUndefinedRelation:
                continue
            if not copies:
                continue
            client.execute_sql(
                f"DELETE FROM {qualified} WHERE rowid IN (SELECT rowid FROM (SELECT rowid, "
                f"row_number() OVER (PARTITION BY _dlt_id ORDER BY rowid) AS copy FROM {qualified}) AS numbered "
                "WHERE copy > 1)"
            )
            deleted[table] = int(copies)
            log.warning(
                "repaired %s: deleted %d doubled rows left by an earlier version's interrupted load", table, copies
            )
    return deleted


def flag_vanished(pipeline: dlt.Pipeline, listings: dict[str, ListedIds], at: datetime) -> dict[str, int]:
    """Mark rows a complete listing no longer shows; unmark rows that show again."""
    if not listings:
        return {}
    with pipeline.sql_client() as client:
        qualified = {table: client.make_qualified_table_name(table) for table in listings}
        loaded = [table for table in listings if _exists(client, qualified[table])]
        flagged = dict.fromkeys(listings, 0)
        with client.begin_transaction():
            for table in loaded:
                with _listed_ids(client, listings[table]) as listed:
                    flagged[table] = _flag(client, qualified[table], listed, client.capabilities.escape_literal(at))
    return flagged


def _flag(client: SqlClientBase[Any], table: str, listed: str, at: str) -> int:
    """Unflag the rows listed again, flag those not listed at `at` (a literal); returns how many were flagged."""
    client.execute_sql(
        f"UPDATE {table} SET vanished_at = NULL WHERE vanished_at IS NOT NULL AND id IN (SELECT id FROM {listed})"
    )
    rows = client.execute_sql(
        f"UPDATE {table} AS loaded SET vanished_at = {at} WHERE vanished_at IS NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {listed} WHERE {listed}.id = loaded.id) RETURNING id"
    )
    return len(rows or [])


def _exists(client: SqlClientBase[Any], qualified: str) -> bool:
    """Whether the table was ever loaded (asked outside the transaction: PostgreSQL aborts one on a missing table)."""
    try:
        client.execute_sql(f"SELECT 1 FROM {qualified} LIMIT 0")
    except DatabaseUndefinedRelation:
        return False
    return True


@contextmanager
def _listed_ids(client: SqlClientBase[Any], ids: ListedIds) -> Iterator[str]:
    """The ids as a relation of one column, `id`, for the length of the block; yields its name.

    `NOT EXISTS` rather than `NOT IN` in the queries: PostgreSQL turns it into an anti-join
    however many ids there are, where `NOT IN` scans the list once per row when it outgrows memory.
    """
    listed = pa.table({"id": ids.as_arrow()})
    connection = client.native_connection
    if isinstance(connection, duckdb.DuckDBPyConnection):
        connection.register("listed_ids", listed)
        try:
            yield "listed_ids"
        finally:
            connection.unregister("listed_ids")
        return
    rows = io.BytesIO()
    pyarrow.csv.write_csv(listed, rows, pyarrow.csv.WriteOptions(include_header=False))
    rows.seek(0)
    client.execute_sql("CREATE TEMPORARY TABLE listed_ids (id varchar PRIMARY KEY)")
    with connection.cursor() as cursor:
        cursor.copy_expert("COPY listed_ids FROM STDIN WITH (FORMAT csv)", rows)
    client.execute_sql("ANALYZE listed_ids")
    yield "listed_ids"
    client.execute_sql("DROP TABLE listed_ids")  # not on failure: the transaction's rollback drops it
