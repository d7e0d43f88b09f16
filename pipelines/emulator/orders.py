"""The sales orders of a world: the seeded ones, computed on demand, and the changed or created
ones, kept whole. A row is an order's place: seeded order i is row i, created orders follow."""
from __future__ import annotations

import functools
from array import array
from bisect import bisect_left

from . import data
from .seeded_orders import SeededOrders

SEEDED_RECORDS_KEPT = 4096  # recently read seeded orders, so a filter or a page reads each once


class OrderBook:
    """Rows of orders with their ids, instants and liveness; records by row.

    Records are shared: treat what `record` returns as read-only and `replace` a changed copy.
    """

    def __init__(self, seeded: SeededOrders) -> None:
        self._seeded = seeded
        self._seeded_record = functools.lru_cache(maxsize=SEEDED_RECORDS_KEPT)(seeded.record)
        self.ids = array("q", seeded.ids)
        self.created = array("q", seeded.created)
        self.updated = array("q", seeded.updated)
        self.alive = bytearray(b"\x01") * seeded.count
        self._kept: dict[int, dict] = {}  # row -> record of a changed or created order
        self._created_rows: dict[int, int] = {}  # id -> row of a created order (seeded ids are sorted)
        self.next_document = data.FIRST_DOCUMENT_NUMBER + seeded.count

    def __len__(self) -> int:
        return len(self.ids)

    def row_of(self, order_id: int) -> int | None:
        """The row of an id, alive or deleted; None for an id never used."""
        row = self._created_rows.get(order_id)
        if row is not None:
            return row
        seeded_ids = self._seeded.ids
        row = bisect_left(seeded_ids, order_id)
        return row if row < len(seeded_ids) and seeded_ids[row] == order_id else None

    def alive_row(self, order_id: int) -> int | None:
        row = self.row_of(order_id)
        return row if row is not None and self.alive[row] else None

    def alive_rows(self) -> list[int]:
        return [row for row, alive in enumerate(self.alive) if alive]

    def record(self, row: int) -> dict:
        kept = self._kept.get(row)
        return kept if kept is not None else self._seeded_record(row)

    def add(self, record: dict) -> int:
        row = len(self.ids)
        self.ids.append(record["id"])
        self.created.append(record["createdAt"])
        self.updated.append(record["updatedAt"])
        self.alive.append(1)
        self._created_rows[record["id"]] = row
        self._kept[row] = record
        self.next_document = max(self.next_document, int(record["documentNumber"]) + 1)
        return row

    def replace(self, row: int, record: dict) -> None:
        self._kept[row] = record
        self.updated[row] = record["updatedAt"]

    def delete(self, row: int) -> None:
        self.alive[row] = 0
