"""Small record sets (products, customers, reference data) with filterable columns."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .table import Table

Extract = Callable[[dict], dict[str, Any]]


class RecordStore:
    """Records addressed by row; every filter key has an eager column kept in step."""

    def __init__(self, records: list[dict], kinds: dict[str, str], extract: Extract) -> None:
        self.records = list(records)
        self._kinds = kinds
        self._extract = extract
        rows = [self._columns(r) for r in self.records]
        data = {key: [row[key] for row in rows] for key in kinds}
        data["id"] = [r["id"] for r in self.records]
        self.table = Table({**kinds, "id": "int"}, data)
        self._rows = {record["id"]: row for row, record in enumerate(self.records)}

    def _columns(self, record: dict) -> dict[str, Any]:
        values = self._extract(record)
        return {key: values.get(key) for key in self._kinds}

    def row_of(self, record_id: int) -> int | None:
        return self._rows.get(record_id)

    def get(self, record_id: int, include_deleted: bool = False) -> dict | None:
        row = self.row_of(record_id)
        if row is None or not (include_deleted or self.table.col("alive")[row]):
            return None
        return self.records[row]

    def next_id(self) -> int:
        return int(self.table.col("id").max()) + 1 if self.table.n else 1

    def add(self, record: dict) -> int:
        self.records.append(record)
        row = self._rows[record["id"]] = self.table.append({**self._columns(record), "id": record["id"]})
        return row

    def replace(self, row: int, record: dict) -> None:
        self.records[row] = record
        for key, value in self._columns(record).items():
            self.table.set(row, key, value)

    def delete(self, row: int) -> None:
        self.table.set(row, "alive", False)

    def alive_ids(self) -> list[int]:
        table = self.table
        return table.col("id")[table.rows_by_id(table.col("alive").nonzero()[0])].tolist()
