"""Repairing what earlier versions left behind: the one place the sync writes dlt's tables itself.

Up to 0.1, the child tables (positions, addresses) had no primary key. A run killed after DuckDB
committed a load job, but before dlt recorded the job as done, loaded the job again on the next
run and left its rows twice (same `_dlt_id`); they stayed doubled until the parent changed. Their
primary key now prevents that (`extract._child_rows`); this removes the copies already there.
"""

from __future__ import annotations

import logging

import dlt
from dlt.destinations.exceptions import DatabaseUndefinedRelation

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
