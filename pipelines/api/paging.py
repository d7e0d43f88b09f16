"""Xentral's list paging and filters, as query parameters (v1/v2 lists: `page[number]`, `page[size]`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

MAX_PAGE_SIZE = 50
"""The largest page the v1/v2 lists document."""

QueryParams = list[tuple[str, str]]


@dataclass(frozen=True)
class Filter:
    """One AND-ed filter triple. Dates go as strings with their offset (see ``format_timestamp``).

    Encoded in the spec's deepObject form, ``filter[i][key]``, ``filter[i][op]``, ``filter[i][value]``.
    A list value (for ``in``/``notIn``) is sent indexed like the filter list itself,
    ``filter[i][value][0]=a&filter[i][value][1]=b``, which PHP (Xentral's server side) parses into
    the same array as the ``[]`` form.
    """

    key: str
    op: str
    value: str | Sequence[str]

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            values = tuple(self.value)
            if not values:
                raise ValueError(f"filter on {self.key!r} with {self.op!r} needs at least one value")
            object.__setattr__(self, "value", values)

    def query_params(self, index: int) -> QueryParams:
        prefix = f"filter[{index}]"
        params = [(f"{prefix}[key]", self.key), (f"{prefix}[op]", self.op)]
        if isinstance(self.value, str):
            params.append((f"{prefix}[value]", self.value))
        else:
            params.extend((f"{prefix}[value][{position}]", item) for position, item in enumerate(self.value))
        return params


@dataclass(frozen=True)
class Order:
    """One sort key, sent as ``order[i][field]`` and ``order[i][dir]`` (lower case)."""

    field: str
    direction: str = "asc"

    def __post_init__(self) -> None:
        direction = self.direction.lower()
        if direction not in ("asc", "desc"):
            raise ValueError(f"sort direction must be 'asc' or 'desc', not {self.direction!r}")
        object.__setattr__(self, "direction", direction)

    def query_params(self, index: int) -> QueryParams:
        return [(f"order[{index}][field]", self.field), (f"order[{index}][dir]", self.direction)]


@dataclass
class Page:
    """One page of a list endpoint."""

    items: list[dict[str, Any]]
    number: int
    size: int
    total_count: int | None
    server_time: datetime | None  # from the HTTP Date header: the server's clock when it answered

    @property
    def is_last(self) -> bool:
        """Xentral gives no next link: the last page is short or empty, or reaches ``totalCount``."""
        if len(self.items) < self.size:
            return True
        return self.total_count is not None and self.number * self.size >= self.total_count


def page_query(number: int, size: int, filters: Sequence[Filter] = (), order: Sequence[Order] = ()) -> QueryParams:
    """Query parameters for one page of a list, in the spec's deepObject form."""
    if number < 1:
        raise ValueError(f"page numbers start at 1, not {number}")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"page size must be between 1 and {MAX_PAGE_SIZE}, not {size}")
    params: QueryParams = [("page[number]", str(number)), ("page[size]", str(size))]
    for index, condition in enumerate(filters):
        params.extend(condition.query_params(index))
    for index, sort_key in enumerate(order):
        params.extend(sort_key.query_params(index))
    return params


def describe_request(method: str, path: str, params: Sequence[tuple[str, str]] = ()) -> str:
    """``GET /api/v1/salesOrders?page[number]=3&...`` with the query unencoded, for messages and logs."""
    query = "&".join(f"{name}={value}" for name, value in params)
    return f"{method} {path}?{query}" if query else f"{method} {path}"
