"""v3 lists: the request (filter triples, sort, include, perPage, page or cursor, the `x-pagination`
header) and the three pagination bodies. A refused request is a 400 problem in the form every v3
400 of the spec has: `violations` keyed by the parameter's dotted path, Laravel's way."""
from __future__ import annotations

import base64
import binascii
import json
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import total_ordering
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from .filtering import LIST_OPS, NULL_OPS, STR, Filter, parse_value, sort_key
from .listing import Listing
from .query import filter_values, indexed_items, parse_deep, validation_problem
from .resources_v3 import V3ListSpec

PAGINATION_MODES = ("simple", "table", "cursor")
DEFAULT_PER_PAGE = 15
PAGE_PARAMETERS = ("page", "cursor")


def invalid(name: str) -> str:
    return f"The selected {name} is invalid."


@dataclass(frozen=True)
class V3Query:
    filters: tuple[Filter, ...]
    sort: tuple[tuple[str, bool], ...]  # (key, descending), id ascending last as the tie-break
    includes: frozenset[str]
    per_page: int
    page: int
    mode: str  # simple, table or cursor
    cursor: dict | None  # the decoded cursor of a cursor page after the first


def parse_v3_query(query: str, pagination: str | None, spec: V3ListSpec, oversize: str) -> V3Query:
    """Validate a v3 list request; raises a 400 Problem naming every violation."""
    params = parse_deep(query)
    violations: dict[str, list[str]] = {}
    mode = (pagination or "simple").strip().lower()
    if mode not in PAGINATION_MODES:
        violations["x-pagination"] = [invalid("x-pagination")]
    per_page = _per_page(params.get("perPage"), spec.max_per_page, oversize, violations)
    page = _integer(params.get("page"), "page", 1, violations)
    cursor = None
    if "cursor" in params:
        if mode != "cursor" or "page" in params:
            violations["cursor"] = ["The cursor field is only allowed with cursor pagination and without page."]
        else:
            cursor = _decode(params["cursor"], violations)
    sort = _sort(params.get("sort"), spec, violations)
    if cursor is not None and set(cursor) != {"_pointsToNextItems", *(name for name, _ in sort)}:
        violations["cursor"] = [invalid("cursor")]  # made for another sort
    chosen = _includes(params.get("include"), spec.includes, violations)
    filters = _filters(params.get("filter"), spec, violations)
    search = params.get("search")
    if spec.search_keys and isinstance(search, str) and search:
        filters.append(Filter("search", "contains", (search.casefold(),)))
    if violations:
        raise validation_problem(violations)
    return V3Query(tuple(filters), sort, chosen, per_page, page, mode, cursor)


def _missing_or_invalid(value: Any, name: str) -> str:
    return f"The {name} field is required." if value is None else invalid(name)


def parse_includes(query: str, allowed: tuple[str, ...]) -> frozenset[str]:
    """The `include` of a v3 view; raises a 400 Problem for a name the spec does not list."""
    violations: dict[str, list[str]] = {}
    chosen = _includes(parse_deep(query).get("include"), allowed, violations)
    if violations:
        raise validation_problem(violations)
    return chosen


def _integer(raw: Any, name: str, default: int, violations: dict) -> int:
    if raw is None:
        return default
    if not isinstance(raw, str) or not raw.isdigit():
        violations[name] = [f"The {name} field must be an integer."]
        return default
    if int(raw) < 1:
        violations[name] = [f"The {name} field must be at least 1."]
        return default
    return int(raw)


def _per_page(raw: Any, most: int, oversize: str, violations: dict) -> int:
    per_page = _integer(raw, "perPage", DEFAULT_PER_PAGE, violations)
    if per_page > most:
        if oversize == "clamp":
            return most
        violations["perPage"] = [f"The perPage field must not be greater than {most}."]
        return DEFAULT_PER_PAGE
    return per_page


def _comma_list(raw: Any) -> list[str] | None:
    return [part for part in raw.split(",") if part] if isinstance(raw, str) else None


def _sort(raw: Any, spec: V3ListSpec, violations: dict) -> tuple[tuple[str, bool], ...]:
    if raw is None:
        fields = list(spec.default_sort)
    else:
        names = _comma_list(raw)
        if not names or any(name.removeprefix("-") not in spec.sort_fields for name in names):
            violations["sort"] = [invalid("sort")]
            return (("id", False),)
        fields = [(name.removeprefix("-"), name.startswith("-")) for name in names]
    if all(name != "id" for name, _ in fields):
        fields.append(("id", False))
    return tuple(fields)


def _includes(raw: Any, allowed: tuple[str, ...], violations: dict) -> frozenset[str]:
    if raw is None:
        return frozenset()
    names = _comma_list(raw)
    if names is None or any(name not in allowed for name in names):
        violations["include"] = [invalid("include")]
        return frozenset()
    return frozenset(names)


def _filters(raw: Any, spec: V3ListSpec, violations: dict) -> list[Filter]:
    if raw is None:
        return []
    found: list[Filter] = []
    indexed = indexed_items(raw, "filter", violations)
    for index, item in indexed:
        where = f"filter.{index}"
        key, op = item.get("key"), item.get("op")
        if key not in spec.keys:
            violations[f"{where}.key"] = [_missing_or_invalid(key, f"{where}.key")]
            continue
        kind, operators = spec.keys[key]
        if op not in operators:
            violations[f"{where}.op"] = [_missing_or_invalid(op, f"{where}.op")]
            continue
        if op in NULL_OPS:
            found.append(Filter(key, op, ()))
            continue
        if "value" not in item:
            violations[f"{where}.value"] = [f"The {where}.value field is required."]
            continue
        values = filter_values(op, item["value"])
        if op not in LIST_OPS and len(values) != 1:
            violations[f"{where}.value"] = [f"The {where}.value field must be a string."]
            continue
        try:
            found.append(Filter(key, op, tuple(parse_value(kind, value) for value in values)))
        except ValueError:
            what = "a valid date" if kind in ("time", "day") else f"a valid {kind}"
            violations[f"{where}.value"] = [f"The {where}.value field must be {what}."]
    return found


# ---- the keyset cursor -----------------------------------------------------------------

def encode_cursor(values: dict[str, Any], forward: bool) -> str:
    """Laravel's cursor: base64url (no padding) of the JSON of the sort key and the direction."""
    text = json.dumps({**values, "_pointsToNextItems": forward}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(token: Any, violations: dict) -> dict | None:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(str(token) + "=" * (-len(str(token)) % 4)))
        if isinstance(decoded, dict) and isinstance(decoded.get("_pointsToNextItems"), bool):
            return decoded
    except (binascii.Error, ValueError, UnicodeDecodeError):
        pass
    violations["cursor"] = [invalid("cursor")]
    return None


@total_ordering
class _Descending:
    """A sort key part that orders backwards."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.value == other.value

    def __lt__(self, other: _Descending) -> bool:
        return other.value < self.value


def _key_of(listing: Listing, sort: tuple[tuple[str, bool], ...]) -> Callable[[dict[str, Any]], tuple]:
    """The comparable form of a sort key given as {key: value}: the order the rows are sorted in."""
    def key(values: dict[str, Any]) -> tuple:
        parts = []
        for name, descending in sort:
            part = sort_key(listing.kinds.get(name, STR), values.get(name))
            parts.append(_Descending(part) if descending else part)
        return tuple(parts)
    return key


# ---- pages -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    """A v3 list answer before rendering: the rows, and `meta` and `links` as the mode shapes them."""

    rows: list[int]
    meta: dict[str, Any]
    links: dict[str, str | None]


def page(listing: Listing, rows: list[int], query: V3Query, url: Callable[[dict[str, Any]], str],
         path: str) -> Page:
    """The page of `rows` (already filtered and sorted) the query asks for; `url(changes)` is the
    request's URL with page or cursor parameters changed, `path` its URL without a query."""
    if query.mode == "cursor":
        return _cursor_page(listing, rows, query, url, path)
    start = (query.page - 1) * query.per_page
    chosen = rows[start:start + query.per_page]
    more = start + query.per_page < len(rows)
    meta: dict[str, Any] = {"currentPage": query.page, "from": start + 1 if chosen else None,
                            "to": start + len(chosen) if chosen else None, "perPage": query.per_page, "path": path}
    links: dict[str, str | None] = {"first": url({"page": 1}), "last": None,
                                    "prev": url({"page": query.page - 1}) if query.page > 1 else None,
                                    "next": url({"page": query.page + 1}) if more else None}
    if query.mode == "table":
        last_page = max(1, math.ceil(len(rows) / query.per_page))
        meta.update(total=len(rows), lastPage=last_page)
        links["last"] = url({"page": last_page})
    return Page(chosen, meta, links)


def _cursor_page(listing: Listing, rows: list[int], query: V3Query, url: Callable[[dict[str, Any]], str],
                 path: str) -> Page:
    key = _key_of(listing, query.sort)

    def values(row: int) -> dict[str, Any]:
        return {name: listing.value(name, row) for name, _ in query.sort}

    size = query.per_page
    if query.cursor is None:
        start = 0
    elif query.cursor["_pointsToNextItems"]:
        start = bisect_right(rows, key(query.cursor), key=lambda row: key(values(row)))
    else:
        start = max(0, bisect_left(rows, key(query.cursor), key=lambda row: key(values(row))) - size)
    chosen = rows[start:start + size]
    next_cursor = encode_cursor(values(chosen[-1]), True) if chosen and start + size < len(rows) else None
    prev_cursor = encode_cursor(values(chosen[0]), False) if chosen and start > 0 else None
    meta = {"path": path, "perPage": size, "nextCursor": next_cursor, "prevCursor": prev_cursor}
    links = {"first": url({}), "last": None, "prev": url({"cursor": prev_cursor}) if prev_cursor else None,
             "next": url({"cursor": next_cursor}) if next_cursor else None}
    return Page(chosen, meta, links)


def page_url(base: str, path: str, query: str) -> Callable[[dict[str, Any]], str]:
    """`url(changes)`: this request's URL with its page and cursor parameters replaced by `changes`."""
    kept = [(name, value) for name, value in parse_qsl(query, keep_blank_values=True) if name not in PAGE_PARAMETERS]

    def url(changes: dict[str, Any]) -> str:
        pairs = kept + [(name, value) for name, value in changes.items() if value is not None]
        return f"{base}{path}" + (f"?{urlencode(pairs)}" if pairs else "")
    return url


def body(page_: Page, item: Callable[[int], dict]) -> bytes:
    """The answer's JSON (orjson: a page of a thousand orders runs to megabytes)."""
    return orjson.dumps({"data": [item(row) for row in page_.rows], "links": page_.links, "meta": page_.meta})

