"""Small record sets (products, customers, reference data) and the checks every change shares."""
from __future__ import annotations

from typing import Any


class RecordSet:
    """Records by row; a deleted record keeps its row (orders that name it still render it)."""

    def __init__(self, records: list[dict]) -> None:
        self.records = list(records)
        self.alive = [True] * len(self.records)
        self._rows = {record["id"]: row for row, record in enumerate(self.records)}

    def row_of(self, record_id: int) -> int | None:
        return self._rows.get(record_id)

    def get(self, record_id: int, include_deleted: bool = False) -> dict | None:
        row = self.row_of(record_id)
        if row is None or not (include_deleted or self.alive[row]):
            return None
        return self.records[row]

    def next_id(self) -> int:
        return max(self._rows, default=0) + 1

    def put(self, record: dict) -> None:
        """Store a record: a new one (by id) on a new row, else in place of the one it replaces."""
        row = self._rows.get(record["id"])
        if row is None:
            self._rows[record["id"]] = len(self.records)
            self.records.append(record)
            self.alive.append(True)
        else:
            self.records[row] = record

    def delete(self, row: int) -> None:
        self.alive[row] = False

    def alive_rows(self) -> list[int]:
        return [row for row, alive in enumerate(self.alive) if alive]

    def alive_ids(self) -> list[int]:
        """Ids of the live records, ascending."""
        return sorted(self.records[row]["id"] for row in self.alive_rows())


def record_id(value: str | int) -> int:
    """An id from the API's digit-string form; -1 (no such record) for anything else."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() else -1


def canonical(changes: dict[str, Any], aliases: dict[str, str], what: str) -> dict[str, Any]:
    """Keyword changes under their record names; ValueError naming unknown fields."""
    unknown = sorted(set(changes) - set(aliases))
    if unknown:
        raise ValueError(f"unknown {what} field(s): {', '.join(unknown)}")
    return {aliases[k]: v for k, v in changes.items()}
