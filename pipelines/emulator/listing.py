"""List endpoints over rows: which rows a query selects, in which order, and the v1/v2 list bodies."""
from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .filtering import Filter, ordered, select
from .query import ListQuery, encode_cursor

SELECTION_CACHE = 8  # recent (list, filters, order) results, each a list of rows


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Listing:
    """How one list endpoint reads its rows."""

    kinds: dict[str, str]  # filter and sort keys -> kind
    rows: Callable[[], list[int]]  # the live rows
    value: Callable[[str, int], Any]  # a row's value of a key (None: no data)
    row_id: Callable[[int], int]
    sort_keys: dict[str, str] = field(default_factory=dict)  # an order field -> the key it sorts by, where they differ

    def search_as_contains(self, filters: Sequence[Filter]) -> list[Filter]:
        """`search` (products, reference data) means "contains", whatever operator names it."""
        return [Filter(f.key, "contains", f.values) if f.key == "search" and f.op in ("equals", "is") else f
                for f in filters]


class Selections:
    """The rows each query selects, kept for the last few queries until the data change."""

    def __init__(self) -> None:
        self._version = 0
        self._kept: dict[tuple, list[int]] = {}

    def changed(self) -> None:
        self._version += 1
        self._kept.clear()

    def rows(self, name: str, listing: Listing, filters: tuple[Filter, ...],
             order: tuple[tuple[str, bool], ...]) -> list[int]:
        """The rows meeting `filters`, sorted by `order` ((field, descending) pairs), ties by id."""
        key = (name, filters, order)
        kept = self._kept.get(key)
        if kept is None:
            rows = select(listing.rows(), listing.search_as_contains(filters), listing.kinds, listing.value)
            sort = [(listing.sort_keys.get(field, field), descending) for field, descending in order]
            kept = ordered(rows, sort, listing.kinds, listing.value, listing.row_id)
            if len(self._kept) >= SELECTION_CACHE:
                self._kept.clear()
            self._kept[key] = kept
        return kept


def page_body(rows: list[int], query: ListQuery, item_json: Callable[[int], str]) -> str:
    """A v1/v2 list body: one page of the rows and `extra` with the total and the page."""
    start = (query.number - 1) * query.size
    extra = {"totalCount": len(rows), "page": {"number": query.number, "size": query.size}}
    return _body(rows[start:start + query.size], item_json, extra)


def cursor_body(listing: Listing, rows: list[int], query: ListQuery, item_json: Callable[[int], str],
                empty_end: bool) -> str:
    """A v2 cursor page: the rows after the cursor's id (in the listing's id order); the last page
    carries an empty cursor when `empty_end`, else none."""
    descending = bool(query.order and query.order[0][1])
    start = 0
    if query.cursor_after:
        key = (lambda row: -listing.row_id(row)) if descending else listing.row_id
        start = bisect_right(rows, -query.cursor_after if descending else query.cursor_after, key=key)
    page = rows[start:start + query.size]
    extra: dict[str, Any] = {"totalCount": len(rows)}
    if start + query.size < len(rows):
        extra["cursor"] = {"nextCursor": encode_cursor(listing.row_id(page[-1])), "size": query.size}
    elif empty_end:
        extra["cursor"] = {"nextCursor": "", "size": query.size}
    return _body(page, item_json, extra)


def _body(rows: list[int], item_json: Callable[[int], str], extra: dict) -> str:
    return '{"data":[' + ",".join(item_json(row) for row in rows) + '],"extra":' + dumps(extra) + "}"
