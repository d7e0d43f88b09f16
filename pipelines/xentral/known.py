"""What the destination holds, read once before a run extracts: the one way loaded rows reach the source.

The destination is the truth of what was loaded (unlike a list kept in pipeline state it survives a
run killed before its load), so the run fetches an order's view only when the order is new or its
`updatedAt` moved, and a customer's details only when its list row changed or they are due. What
the run fetches is remembered here too, so a listing read twice in a run (a second pass after rows
moved behind it) fetches nothing twice. Orders are held in two sorted 64-bit arrays (16 bytes an
order, however large the instance); customers in a dict: there are far fewer, each with a fingerprint.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.destinations.sql_client import SqlClientBase

from pipelines.api.timestamps import parse_timestamp
from pipelines.xentral.listed_ids import is_plain_number

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CustomerVersion:
    """What the last detail fetch of a customer saw."""

    list_row_hash: str | None
    details_synced_at: datetime | None
    updated_at: datetime | None = None


RECENT_ORDERS = 5000
"""Orders remembered in a dict before they join the sorted arrays (a merge costs a sort)."""


@dataclass
class OrderVersions:
    """Each known order's `updatedAt`, by id; ids that are not plain numbers are kept apart."""

    _ids: array = field(default_factory=lambda: array("q"))
    _micros: array = field(default_factory=lambda: array("q"))
    _recent: dict[int, int] = field(default_factory=dict)
    _others: dict[str, datetime] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, datetime | None]]) -> OrderVersions:
        versions = cls()
        for order_id, updated_at in rows:
            if updated_at is not None:  # an order without `updatedAt` is fetched again: nothing says it is unchanged
                versions.remember(order_id, updated_at)
        versions._merge_recent()
        return versions

    def get(self, order_id: str) -> datetime | None:
        if not is_plain_number(order_id):
            return self._others.get(order_id)
        number = int(order_id)
        micros = self._recent.get(number)
        if micros is None:
            index = bisect_left(self._ids, number)
            if index == len(self._ids) or self._ids[index] != number:
                return None
            micros = self._micros[index]
        return _EPOCH + timedelta(microseconds=micros)

    def remember(self, order_id: str, updated_at: datetime) -> None:
        """This version of the order is loaded (or is being loaded by this run)."""
        if not is_plain_number(order_id):
            self._others[order_id] = updated_at
            return
        self._recent[int(order_id)] = _micros(updated_at)
        if len(self._recent) >= RECENT_ORDERS:
            self._merge_recent()

    def _merge_recent(self) -> None:
        """Merge the recent orders into the sorted arrays in one pass (a recent version wins)."""
        ids, micros = array("q"), array("q")
        old = 0
        for order_id, version in sorted(self._recent.items()):
            while old < len(self._ids) and self._ids[old] < order_id:
                ids.append(self._ids[old])
                micros.append(self._micros[old])
                old += 1
            if old < len(self._ids) and self._ids[old] == order_id:
                old += 1
            ids.append(order_id)
            micros.append(version)
        ids.extend(self._ids[old:])
        micros.extend(self._micros[old:])
        self._ids, self._micros, self._recent = ids, micros, {}


@dataclass
class KnownRows:
    """The loaded orders' versions and customers' fingerprints (`KnownRows()` knows nothing: a full refresh)."""

    orders: OrderVersions = field(default_factory=OrderVersions)
    customers: dict[str, CustomerVersion] = field(default_factory=dict)

    def remember_customer(
        self, customer_id: str, row_hash: str | None, synced_at: datetime, updated_at: str | None
    ) -> None:
        """This run fetched the customer's details (`updated_at` as its view wrote it)."""
        self.customers[customer_id] = CustomerVersion(row_hash, synced_at,
                                                      parse_timestamp(updated_at) if updated_at else None)

    @classmethod
    def read(cls, connect: Callable[[], SqlClientBase[Any]]) -> KnownRows:
        """Read the destination's dataset through dlt's SQL client (tables never loaded are empty)."""
        with connect() as client:
            orders = _rows(client, "sales_orders", "SELECT id, updated_at FROM {table}")
            customers = _rows(client, "customers",
                              "SELECT id, list_row_hash, details_synced_at, updated_at FROM {table}")
        return cls(
            orders=OrderVersions.of(orders),
            customers={customer_id: CustomerVersion(row_hash, synced, updated)
                       for customer_id, row_hash, synced, updated in customers},
        )


def _rows(client: SqlClientBase[Any], table: str, sql: str) -> list[tuple[Any, ...]]:
    try:
        return list(client.execute_sql(sql.format(table=client.make_qualified_table_name(table))) or [])
    except DatabaseUndefinedRelation:
        return []


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)
