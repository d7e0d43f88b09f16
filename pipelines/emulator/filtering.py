"""Filters and ordering over rows, in plain Python.

A filter key has a kind that says how its values compare: text case-insensitively (like the
MySQL collation behind Xentral), instants as epoch seconds, days as ordinals. A null value
matches no operator but `isNull` (SQL semantics).
"""
from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .clock import parse_day, parse_instant

INT, TIME, DAY, NUM, STR, BOOL = "int", "time", "day", "num", "str", "bool"

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "equals": operator.eq, "is": operator.eq, "notEquals": operator.ne,
    "greaterThan": operator.gt, "lessThan": operator.lt,
    "greaterThanOrEquals": operator.ge, "lessThanOrEquals": operator.le,
}
TEXT: dict[str, Callable[[str, str], bool]] = {
    "contains": lambda text, part: part in text, "notContains": lambda text, part: part not in text,
    "startsWith": str.startswith, "endsWith": str.endswith,
}
LIST_OPS = {"in": False, "exactlyIn": False, "allIn": False, "notIn": True, "allNotIn": True}  # op -> negated
NULL_OPS = {"isNull": True, "isNotNull": False}  # op -> wants null
Test = Callable[[Any], bool]


@dataclass(frozen=True)
class Filter:
    key: str
    op: str
    values: tuple  # in the key's compared form; one value unless op is a list op, none for null ops


def fold(value: Any) -> Any:
    """The compared form of a text value (None stays None)."""
    return None if value is None else str(value).casefold()


def parse_value(kind: str, raw: str) -> Any:
    """One filter value in the key's compared form; ValueError when it does not fit."""
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
    return fold(raw)


def test_for(kind: str, op: str, values: tuple) -> Test:
    """A predicate on one row value (already in compared form) for `op` and its values."""
    if op in NULL_OPS:
        wants_null = NULL_OPS[op]
        return lambda value: (value is None) == wants_null
    if op in LIST_OPS:
        wanted, negated = set(values), LIST_OPS[op]
        return lambda value: value is not None and (value in wanted) != negated
    operand = values[0]
    if op in TEXT:
        text_test = TEXT[op]
        part = operand if kind == STR else str(operand)
        return lambda value: value is not None and text_test(value if kind == STR else str(value), part)
    compare = COMPARE[op]
    return lambda value: value is not None and compare(value, operand)


def compared(kind: str, value: Any) -> Any:
    return fold(value) if kind == STR else value


def meets(test: Test, kind: str, value: Any) -> bool:
    """Whether a row value passes; a tuple holds the values of a row's many items (an order's line
    items): one of them passing is enough, as with a join."""
    if isinstance(value, tuple):
        return any(test(compared(kind, item)) for item in value)
    return test(compared(kind, value))


def select(rows: Iterable[int], filters: Sequence[Filter], kinds: dict[str, str],
           value: Callable[[str, int], Any]) -> list[int]:
    """The rows meeting every filter; `value(key, row)` reads a row's value of a filter key
    (row by row, so a reader may keep the row it read last)."""
    tests = [(f.key, kinds[f.key], test_for(kinds[f.key], f.op, f.values)) for f in filters]
    if not tests:
        return list(rows)
    return [row for row in rows if all(meets(test, kind, value(key, row)) for key, kind, test in tests)]


def sort_key(kind: str, value: Any) -> tuple:
    """Nulls first, text without case."""
    return (0, 0) if value is None else (1, compared(kind, value))


def ordered(rows: list[int], order: Sequence[tuple[str, bool]], kinds: dict[str, str],
            value: Callable[[str, int], Any], row_id: Callable[[int], int]) -> list[int]:
    """Rows sorted by (key, descending) pairs, ties by id ascending (stable sorts, last key first)."""
    result = sorted(rows, key=row_id)
    for key, descending in reversed(order):
        kind = kinds[key]
        result.sort(key=lambda row: sort_key(kind, value(key, row)), reverse=descending)
    return result
