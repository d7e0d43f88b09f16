"""The one place the sync writes dlt's tables itself, after dlt loaded them.

- Vanished rows: after a complete listing, rows it no longer shows get `vanished_at`, and rows it
  shows again lose it. dlt merges whole rows only, and the source never reads rows back, so
  the flag is set here, in the destination, with two UPDATEs per table.
- Rows doubled by 0.1: its child tables (positions, addresses) had no primary key, and a run killed
  after DuckDB committed a load job, but before dlt recorded the job as done, loaded the job again
  on the next run and left its rows twice (same `_dlt_id`). Their primary key now prevents that
  (`resources._child_rows`); `drop_doubled_child_rows` removes the copies already there.
"""

from __future__ import annotations

import logging
from datetime import datetime

import dlt
import pyarrow as pa
from dlt.destinations.exceptions import DatabaseUndefinedRelation

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
    flagged: dict[str, int] = {}
    if not listings:
        return flagged
    with pipeline.sql_client() as client:
        connection = client.native_connection
        for table, ids in listings.items():
            connection.register("listed_ids", pa.table({"id": ids.as_arrow()}))
            qualified = client.make_qualified_table_name(table)
            try:
                client.execute_sql(
                    f"UPDATE {qualified} SET vanished_at = NULL "
                    "WHERE vanished_at IS NOT NULL AND id IN (SELECT id FROM listed_ids)"
                )
                rows = client.execute_sql(
                    f"UPDATE {qualified} SET vanished_at = ? "
                    "WHERE vanished_at IS NULL AND id NOT IN (SELECT id FROM listed_ids) RETURNING id",
                    at,
                )
                flagged[table] = len(rows or [])
            except DatabaseUndefinedRelation:
                flagged[table] = 0
            finally:
                connection.unregister("listed_ids")
    return flagged
