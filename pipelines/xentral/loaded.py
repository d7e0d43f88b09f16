"""What DuckDB already holds, so a run fetches details only for rows that changed.

The destination is the truth of what was loaded: unlike a list kept in pipeline state it
survives a run killed before its load, and it stays small in memory however large the
instance. Lookups go through dlt's SQL client on the pipeline's own dataset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.destinations.sql_client import SqlClientBase


@dataclass(frozen=True)
class CustomerVersion:
    """What the last detail fetch of a customer saw."""

    list_row_hash: str | None
    details_synced_at: datetime | None


class LoadedRows:
    """Read-only lookups on the loaded tables; `LoadedRows(None)` knows nothing (a full refresh)."""

    def __init__(self, connect: Callable[[], SqlClientBase[Any]] | None) -> None:
        self._connect = connect
        self._client: SqlClientBase[Any] | None = None

    def order_versions(self, order_ids: Sequence[str]) -> dict[str, datetime]:
        """`updated_at` of the given orders as loaded (absent ids were never loaded)."""
        if not order_ids:
            return {}
        placeholders = ", ".join("?" for _ in order_ids)
        sql = f"SELECT id, updated_at FROM {{table}} WHERE id IN ({placeholders})"
        rows = self._query("sales_orders", sql, *order_ids)
        return {order_id: updated_at for order_id, updated_at in rows}

    def customer_versions(self) -> dict[str, CustomerVersion]:
        """Every loaded customer's list fingerprint and when its details were last read."""
        rows = self._query("customers", "SELECT id, list_row_hash, details_synced_at FROM {table}")
        return {customer_id: CustomerVersion(row_hash, synced_at) for customer_id, row_hash, synced_at in rows}

    def close(self) -> None:
        if self._client is not None:
            self._client.close_connection()
            self._client = None

    def _query(self, table: str, sql_template: str, *args: Any) -> list[tuple[Any, ...]]:
        client = self._open()
        if client is None:
            return []
        sql = sql_template.format(table=client.make_qualified_table_name(table))
        try:
            return list(client.execute_sql(sql, *args) or [])
        except DatabaseUndefinedRelation:
            return []

    def _open(self) -> SqlClientBase[Any] | None:
        if self._connect is None:
            return None
        if self._client is None:
            self._client = self._connect()
            self._client.open_connection()
        return self._client
