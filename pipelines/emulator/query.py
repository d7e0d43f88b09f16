"""Query-string parsing (deepObject style), validation against an endpoint's rules, and
the problem bodies Xentral answers with when a request is invalid."""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from .filtering import LIST_OPS, Filter, parse_value

VALIDATION_TYPE = "https://api.xentral.biz/problems/request-validation"
CONFLICT_TYPE = "https://api.xentral.biz/problems/conflict"
PROBLEM_JSON = "application/problem+json"
MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 10

NOT_A_CHOICE = "The value you selected is not a valid choice."
MISSING = "This field is missing."
UNEXPECTED = "This field was not expected."


class Problem(Exception):
    """An error answer: HTTP status plus JSON body."""

    def __init__(self, status: int, body: dict, content_type: str = PROBLEM_JSON) -> None:
        super().__init__(body)
        self.status = status
        self.body = body
        self.content_type = content_type


def validation_problem(violations: dict) -> Problem:
    return Problem(400, {"type": VALIDATION_TYPE, "title": "Request payload validation failed.",
                         "violations": violations})


def conflict_problem(message: str) -> Problem:
    return Problem(400, {"type": CONFLICT_TYPE, "title": "Conflict.", "messages": [message]})


@dataclass(frozen=True)
class ListSpec:
    """What one list endpoint accepts, as its spec's enums say."""

    operation: str
    kinds: dict[str, str] = field(default_factory=dict)  # filter key -> column kind
    ops: tuple[str, ...] = ()
    order_fields: tuple[str, ...] = ()
    cursor: bool = False
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # filter key -> the values it allows


@dataclass(frozen=True)
class ListQuery:
    number: int = 1
    size: int = DEFAULT_PAGE_SIZE
    filters: tuple[Filter, ...] = ()
    order: tuple[tuple[str, bool], ...] = ()  # (field, descending)
    cursor_after: int | None = None  # set when paging by cursor; 0 = first page
    by_cursor: bool = False


_SEGMENT = re.compile(r"\[([^\]]*)\]")


def parse_deep(query: str) -> dict[str, Any]:
    """`filter[0][value][]=a` style parameters into nested dicts keyed by strings."""
    result: dict[str, Any] = {}
    for raw_key, value in parse_qsl(query, keep_blank_values=True):
        head = raw_key.split("[", 1)[0]
        path = [head] + _SEGMENT.findall(raw_key[len(head):])
        node = result
        for depth, part in enumerate(path):
            last = depth == len(path) - 1
            if part == "" and isinstance(node, dict):
                part = str(len(node))
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
    return result


def encode_cursor(last_id: int) -> str:
    return base64.b64encode(str(last_id).encode()).decode()


def _decode_cursor(token: str) -> int:
    try:
        return int(base64.b64decode(token, validate=True).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValueError(token) from None


def _positive(raw: Any, errors: dict, name: str) -> int | None:
    if not isinstance(raw, str) or not raw.isdigit():
        errors[name] = ["This value is not valid."]
        return None
    if int(raw) < 1:
        errors[name] = ["This value should be greater than or equal to 1."]
        return None
    return int(raw)


def _size(raw: Any, errors: dict, oversize: str) -> int | None:
    size = _positive(raw, errors, "size")
    if size is not None and size > MAX_PAGE_SIZE:
        if oversize == "clamp":
            return MAX_PAGE_SIZE
        errors["size"] = [f"This value should be less than or equal to {MAX_PAGE_SIZE}."]
        return None
    return size


def _parse_page(raw: Any, oversize: str, violations: dict) -> tuple[int, int]:
    if not isinstance(raw, dict):
        violations["page"] = ["This value should be of type array."]
        return 1, DEFAULT_PAGE_SIZE
    errors: dict[str, list[str]] = {}
    for name in raw:
        if name not in ("number", "size"):
            errors[name] = [UNEXPECTED]
    for name in ("number", "size"):
        if name not in raw:
            errors[name] = [MISSING]
    number = _positive(raw["number"], errors, "number") if "number" in raw else None
    size = _size(raw["size"], errors, oversize) if "size" in raw else None
    if errors:
        violations["page"] = errors
    return number or 1, size or DEFAULT_PAGE_SIZE


def _parse_cursor(raw: Any, oversize: str, violations: dict) -> tuple[int, int]:
    if not isinstance(raw, dict):
        violations["cursor"] = ["This value should be of type array."]
        return 0, DEFAULT_PAGE_SIZE
    errors: dict[str, list[str]] = {}
    for name in raw:
        if name not in ("nextCursor", "size"):
            errors[name] = [UNEXPECTED]
    size = _size(raw["size"], errors, oversize) if "size" in raw else DEFAULT_PAGE_SIZE
    after = 0
    if raw.get("nextCursor"):
        try:
            after = _decode_cursor(raw["nextCursor"])
        except ValueError:
            errors["nextCursor"] = ["nextCursor should be base64 encoded string returned from api"]
    if errors:
        violations["cursor"] = errors
    return after, size or DEFAULT_PAGE_SIZE


def indexed_items(raw: Any, name: str, violations: dict) -> list[tuple[str, dict]]:
    """The items of an indexed parameter (`filter[0][...]`), by index; a violation when it is not one."""
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        violations[name] = ["This value should be of type array."]
        return []
    return sorted(raw.items(), key=lambda kv: (not kv[0].isdigit(), int(kv[0]) if kv[0].isdigit() else 0, kv[0]))


def filter_values(op: str, raw: Any) -> list[str]:
    """A filter's values: `value[]`/`value[i]` items, a comma-separated list for list operators, else one."""
    if isinstance(raw, dict):
        return [str(v) for _, v in sorted(raw.items(), key=lambda kv: kv[0].zfill(9))]
    if op in LIST_OPS:
        return str(raw).split(",") if raw != "" else []
    return [raw]


def _parse_filters(raw: Any, spec: ListSpec, violations: dict) -> list[Filter]:
    filters, errors = [], {}
    for index, item in indexed_items(raw, "filter", violations):
        problems: dict[str, list[str]] = {}
        for name in item:
            if name not in ("key", "op", "value"):
                problems[name] = [UNEXPECTED]
        for name in ("key", "op", "value"):
            if name not in item:
                problems[name] = [MISSING]
        key, op = item.get("key"), item.get("op")
        if "key" in item and key not in spec.kinds:
            problems["key"] = [NOT_A_CHOICE]
        if "op" in item and op not in spec.ops:
            problems["op"] = [NOT_A_CHOICE]
        if not problems:
            values = filter_values(op, item["value"])
            if op not in LIST_OPS and len(values) != 1:
                problems["value"] = ["This value should be of type string."]
            elif key in spec.choices and not set(values) <= set(spec.choices[key]):
                problems["value"] = [NOT_A_CHOICE]
            else:
                try:
                    converted = tuple(parse_value(spec.kinds[key], v) for v in values)
                    filters.append(Filter(key, op, converted))
                except ValueError:
                    kind = spec.kinds[key]
                    problems["value"] = ["This value is not a valid date." if kind in ("time", "day")
                                         else "This value is not valid."]
        if problems:
            errors[index] = problems
    if errors:
        violations["filter"] = errors
    return filters


def _parse_order(raw: Any, spec: ListSpec, violations: dict) -> list[tuple[str, bool]]:
    order, errors = [], {}
    for index, item in indexed_items(raw, "order", violations):
        problems: dict[str, list[str]] = {}
        for name in item:
            if name not in ("field", "dir"):
                problems[name] = [UNEXPECTED]
        name = item.get("field")
        direction = str(item.get("dir", "asc")).lower()
        if name is None:
            problems["field"] = [MISSING]
        elif name not in spec.order_fields:
            problems["field"] = [NOT_A_CHOICE]
        if direction not in ("asc", "desc"):
            problems["dir"] = [NOT_A_CHOICE]
        if problems:
            errors[index] = problems
        else:
            order.append((name, direction == "desc"))
    if errors:
        violations["order"] = errors
    return order


def parse_list_query(query: str, spec: ListSpec, oversize: str, cursor_enabled: bool) -> ListQuery:
    """Validate a list request's query string; raises a 400 Problem listing every violation."""
    params = parse_deep(query)
    violations: dict[str, Any] = {}
    number, size = 1, DEFAULT_PAGE_SIZE
    after, by_cursor = None, False
    if "page" in params:
        number, size = _parse_page(params["page"], oversize, violations)
    if "cursor" in params:
        if not (spec.cursor and cursor_enabled):
            violations["cursor"] = [UNEXPECTED]
        elif "page" in params:
            violations["cursor"] = ["Use either page or cursor pagination, not both."]
        else:
            after, size = _parse_cursor(params["cursor"], oversize, violations)
            by_cursor = True
    filters: list[Filter] = []
    order: list[tuple[str, bool]] = []
    if "filter" in params:
        if spec.kinds:
            filters = _parse_filters(params["filter"], spec, violations)
        else:
            violations["filter"] = [UNEXPECTED]
    if "order" in params:
        if spec.order_fields:
            order = _parse_order(params["order"], spec, violations)
        else:
            violations["order"] = [UNEXPECTED]
    if violations:
        raise validation_problem(violations)
    return ListQuery(number=number, size=size, filters=tuple(filters), order=tuple(order),
                     cursor_after=after, by_cursor=by_cursor)
