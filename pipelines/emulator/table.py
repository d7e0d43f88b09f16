"""Compact columnar rows with filter and sort evaluation.

Columns hold only what lists filter and sort on; JSON is rendered from records elsewhere.
Text columns are stored case-folded because comparisons are case-insensitive, like the
MySQL collation behind Xentral.
"""
from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable

import numpy as np

from .clock import parse_day, parse_instant

MISSING = np.iinfo(np.int64).min  # null in integer-like columns

INT, TIME, DAY, NUM, STR, BOOL = "int", "time", "day", "num", "str", "bool"
_NULL = {INT: MISSING, TIME: MISSING, DAY: MISSING, NUM: np.nan, BOOL: False}
_DTYPES = {INT: np.int64, TIME: np.int64, DAY: np.int64, NUM: np.float64, STR: object, BOOL: bool}

Materializer = Callable[[], Iterable]


def fold(value: object) -> object:
    """The stored form of a text value (None stays None)."""
    return None if value is None else str(value).casefold()


class Table:
    """Append-only growable columns; rows are never removed, deletion clears `alive`."""

    def __init__(self, kinds: dict[str, str], data: dict[str, Iterable],
                 lazy: dict[str, Materializer] | None = None) -> None:
        self.kinds = dict(kinds)
        self.kinds["alive"] = BOOL
        self._lazy = dict(lazy or {})
        ids = np.asarray(data["id"], dtype=np.int64)
        self.n = len(ids)
        self._cols: dict[str, np.ndarray] = {}
        for name, values in data.items():
            self._cols[name] = self._array(name, values)
        self._cols["alive"] = np.ones(len(self._cols["id"]), dtype=bool)
        self.version = 0
        self.ids_sorted = bool(np.all(ids[1:] > ids[:-1])) if self.n > 1 else True
        self._id_index: tuple[np.ndarray, np.ndarray] | None = None

    def _array(self, name: str, values: Iterable) -> np.ndarray:
        kind = self.kinds[name]
        if kind == STR:
            folded: dict = {}  # one string object per distinct value, not one per row
            values = [folded[v] if v in folded else folded.setdefault(v, fold(v)) for v in values]
        elif not isinstance(values, np.ndarray):
            values = [_NULL[kind] if v is None else v for v in values]
        capacity = len(self._cols["id"]) if "id" in self._cols else 0  # a lazy column joins grown ones
        arr = np.empty(max(self.n, 16, capacity), dtype=_DTYPES[kind])
        arr[: self.n] = np.asarray(values, dtype=_DTYPES[kind]) if kind != STR else values
        return arr

    def is_built(self, name: str) -> bool:
        return name in self._cols

    def forget(self, names: Iterable[str]) -> None:
        """Drop built lazy columns; they are rebuilt from current data when next used."""
        for name in names:
            if name in self._lazy:
                self._cols.pop(name, None)
        self.version += 1

    def col(self, name: str) -> np.ndarray:
        if name not in self._cols:
            self._cols[name] = self._array(name, self._lazy[name]())
        return self._cols[name][: self.n]

    def _grow(self) -> None:
        for name, arr in self._cols.items():
            bigger = np.empty(len(arr) * 2, dtype=arr.dtype)
            bigger[: self.n] = arr[: self.n]
            self._cols[name] = bigger

    def append(self, values: dict[str, object]) -> int:
        """Add a row; lazy columns not yet built pick the value up when they are built."""
        if self.n == len(self._cols["id"]):
            self._grow()
        row = self.n
        if row and int(values["id"]) <= int(self._cols["id"][row - 1]):
            self.ids_sorted = False
        self.n += 1
        for name in self._cols:
            self._store(row, name, values.get(name, True if name == "alive" else None))
        self._id_index = None
        self.version += 1
        return row

    def set(self, row: int, name: str, value: object) -> None:
        if name in self._cols:
            self._store(row, name, value)
        self.version += 1

    def _store(self, row: int, name: str, value: object) -> None:
        kind = self.kinds[name]
        if kind == STR:
            value = fold(value)
        elif value is None:
            value = _NULL[kind]
        self._cols[name][row] = value

    def row_of(self, id_: int) -> int | None:
        """Row index of an id (alive or not), or None."""
        ids = self.col("id")
        if self.ids_sorted:
            order, keys = None, ids
        else:
            if self._id_index is None:
                perm = np.argsort(ids, kind="stable")
                self._id_index = (perm, ids[perm])
            order, keys = self._id_index
        pos = int(np.searchsorted(keys, id_))
        if pos >= len(keys) or keys[pos] != id_:
            return None
        return pos if order is None else int(order[pos])

    def rows_by_id(self, rows: np.ndarray, descending: bool = False) -> np.ndarray:
        if not self.ids_sorted:
            rows = rows[np.argsort(self.col("id")[rows], kind="stable")]
        return rows[::-1] if descending else rows


# ---- filters ---------------------------------------------------------------------------

def parse_value(kind: str, raw: str) -> object:
    """Convert one filter value to the column's form; ValueError when it does not fit."""
    if kind == INT:
        return int(raw)
    if kind == TIME:
        return parse_instant(raw)
    if kind == DAY:
        return parse_day(raw)
    if kind == NUM:
        return float(raw)
    if kind == BOOL:
        lowered = raw.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise ValueError(raw)
    return raw.casefold()


_COMPARE = {
    "equals": operator.eq, "is": operator.eq, "notEquals": operator.ne,
    "greaterThan": operator.gt, "lessThan": operator.lt,
    "greaterThanOrEquals": operator.ge, "lessThanOrEquals": operator.le,
}
_TEXT = {
    "contains": lambda x, v: v in x, "notContains": lambda x, v: v not in x,
    "startsWith": lambda x, v: x.startswith(v), "endsWith": lambda x, v: x.endswith(v),
}
LIST_OPS = {"in": False, "exactlyIn": False, "allIn": False, "notIn": True, "allNotIn": True}


def _valid(kind: str, arr: np.ndarray) -> np.ndarray:
    if kind in (INT, TIME, DAY):
        return arr != MISSING
    if kind == NUM:
        return ~np.isnan(arr)
    if kind == STR:
        return np.fromiter((x is not None for x in arr), bool, len(arr))
    return np.ones(len(arr), dtype=bool)


def mask(kind: str, arr: np.ndarray, op: str, values: list) -> np.ndarray:
    """Rows of `arr` matching one filter; null values never match (SQL semantics)."""
    valid = _valid(kind, arr)
    if op in LIST_OPS:
        hit = _isin(kind, arr, values)
        return valid & (~hit if LIST_OPS[op] else hit)
    value = values[0]
    if op in _TEXT:
        test = _TEXT[op]
        texts = arr if kind == STR else arr.astype(str)
        text_value = value if kind == STR else str(value)
        return valid & np.fromiter((x is not None and test(str(x), text_value) for x in texts),
                                   bool, len(arr))
    compare = _COMPARE[op]
    if kind == STR:
        return np.fromiter((x is not None and compare(x, value) for x in arr), bool, len(arr))
    return valid & compare(arr, value)


def _isin(kind: str, arr: np.ndarray, values: list) -> np.ndarray:
    if not values:
        return np.zeros(len(arr), dtype=bool)
    if kind != STR or len(values) <= 8:
        return functools.reduce(operator.or_, (arr == v for v in values))
    wanted = set(values)
    return np.fromiter((x in wanted for x in arr), bool, len(arr))


# ---- ordering --------------------------------------------------------------------------

def sort_rows(table: Table, rows: np.ndarray, specs: list[tuple[str, bool]]) -> np.ndarray:
    """Order rows by (column, descending) pairs, ties broken by id ascending."""
    keys = [table.col("id")[rows]]
    for name, descending in reversed(specs):
        values = table.col(name)[rows]
        if table.kinds[name] == STR:
            values = np.unique(np.array(["" if v is None else v for v in values], dtype=object),
                               return_inverse=True)[1]
        key = values.astype(np.float64) if table.kinds[name] == NUM else values.astype(np.int64)
        keys.append(-key if descending else key)
    return rows[np.lexsort(keys)]
