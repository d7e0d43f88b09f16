"""Xentral's v3 lists (V3.md): `perPage`, the `x-pagination` modes, `meta`/`links`, and a page size
that adapts when large pages fail.

The filter triples are v1's (`Filter`), with v3's operator names; sorting is one `sort` parameter
(`updatedAt,id`, `-updatedAt`). Of the three modes, `cursor` walks a keyset: its `nextCursor` is
opaque and encodes the last row's sort key, so a walk sorted by `updatedAt,id` meets a row changed
under it again (behind it) and skips none. `simple` and `table` page by number like v1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.api import answers
from pipelines.api.paging import Filter, QueryParams

PAGINATION_HEADER = "x-pagination"
PAGINATION_MODES = ("simple", "table", "cursor")
ORDERS_PER_PAGE = 1000
"""The largest page v3 sales orders allow."""
CUSTOMERS_PER_PAGE = 100
"""The largest page v3 customers allow."""
SMALLEST_PAGE = 50
"""Where shrinking stops: v1's page size; a page this small that still fails is a failure."""
GROW_AFTER = 3
"""Pages that must succeed at a shrunk size before the size doubles again."""
V3_REFUSALS = (400, 403, 404)
"""What an instance without a usable v3 list answers: 404 without v3, 403 with its feature flag off
(or a scope missing), 400 for a v3 that does not take the request (V3.md: which one is unconfirmed)."""
SECONDS_PER_ROW = 0.03
"""Added to the request timeout per row asked for: a page of 1000 orders with line items runs to
several MB, which Xentral renders before the first byte arrives."""


@dataclass(frozen=True)
class V3Listing:
    """What one v3 list walk asks for, whatever page it is on."""

    path: str
    filters: Sequence[Filter] = ()
    sort: str = "updatedAt,id"
    include: Sequence[str] = ()
    mode: str = "cursor"

    def __post_init__(self) -> None:
        if self.mode not in PAGINATION_MODES:
            raise ValueError(f"x-pagination must be one of {', '.join(PAGINATION_MODES)}, not {self.mode!r}")

    def query(self, per_page: int, *, cursor: str | None = None, page: int | None = None) -> QueryParams:
        """The query of one page: the first (neither `cursor` nor `page`), or the one they name."""
        if per_page < 1:
            raise ValueError(f"perPage must be at least 1, not {per_page}")
        params: QueryParams = [("perPage", str(per_page))]
        if self.sort:
            params.append(("sort", self.sort))
        if self.include:
            params.append(("include", ",".join(self.include)))
        for index, condition in enumerate(self.filters):
            params.extend(condition.query_params(index))
        if cursor is not None:
            params.append(("cursor", cursor))
        elif page is not None:
            params.append(("page", str(page)))
        return params

    @property
    def headers(self) -> dict[str, str]:
        return {PAGINATION_HEADER: self.mode}


@dataclass
class V3Page:
    """One page of a v3 list: its rows and where the next page is (none on the last)."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    next_page: int | None
    total: int | None  # only in table mode
    server_time: datetime | None

    @property
    def is_last(self) -> bool:
        return self.next_cursor is None and self.next_page is None


def v3_page_from(body: Any, mode: str, server_time: datetime | None) -> V3Page | None:
    """The page in a v3 list answer; None when the body is not v3's `{data, meta, links}`."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return None
    meta = answers.member_dict(body, "meta")
    links = answers.member_dict(body, "links")
    next_cursor = next_page = None
    if mode == "cursor":
        next_cursor = meta.get("nextCursor") or None
        if next_cursor is not None and not isinstance(next_cursor, str):
            return None
    elif links.get("next"):
        current = answers.as_int(meta.get("currentPage"))
        next_page = None if current is None else current + 1
    return V3Page(body["data"], next_cursor, next_page, answers.as_int(meta.get("total")), server_time)


@dataclass(frozen=True)
class V3Probe:
    """What asking for one row of a v3 list found: the page, or why the instance refused."""

    page: V3Page | None
    refusal: str | None


class PageSizing:
    """`perPage` of one walk: the largest allowed, halved when a page fails, doubled back after
    `GROW_AFTER` pages succeed; a page at `SMALLEST_PAGE` that fails is a failure like any other."""

    def __init__(self, largest: int, smallest: int = SMALLEST_PAGE) -> None:
        if not 1 <= smallest <= largest:
            raise ValueError(f"need 1 <= smallest ({smallest}) <= largest ({largest})")
        self.largest = largest
        self.smallest = smallest
        self.size = largest
        self._successes = 0

    @property
    def can_shrink(self) -> bool:
        return self.size > self.smallest

    def shrink(self) -> int:
        self.size = max(self.smallest, self.size // 2)
        self._successes = 0
        return self.size

    def succeeded(self) -> None:
        if self.size == self.largest:
            return
        self._successes += 1
        if self._successes >= GROW_AFTER:
            self.size = min(self.largest, self.size * 2)
            self._successes = 0

    def timeout(self, base: float) -> float:
        """The request timeout for a page of the current size."""
        return base + self.size * SECONDS_PER_ROW
