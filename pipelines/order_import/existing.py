"""Batched look-ups by value: which keys already exist, which numbers and ids name which record.

Every look-up sends the values with the ``in`` operator, 50 to a request (one full page, and a
query string of a few kilobytes at most), instead of one request per value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pipelines.api.client import XentralClient
from pipelines.api.endpoints import SALES_ORDERS_PATH
from pipelines.api.paging import MAX_PAGE_SIZE, Filter

VALUES_PER_REQUEST = MAX_PAGE_SIZE


def find_existing_orders(client: XentralClient, keys: Iterable[str]) -> dict[str, str]:
    """Existing orders by external order number: casefolded key -> the lowest order id carrying it.

    Compared without regard to case, as Xentral's database does: a key that exists in another
    case is taken as existing rather than risk a second order.
    """
    found: dict[str, str] = {}
    for item in find_by_values(client, SALES_ORDERS_PATH, "externalOrderNumber", keys):
        key = str(item.get("externalOrderNumber") or "").casefold()
        order_id = str(item.get("id"))
        if key and (key not in found or _id_sort_key(order_id) < _id_sort_key(found[key])):
            found[key] = order_id
    return found


def find_by_values(client: XentralClient, path: str, field: str, values: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Every item of the list at ``path`` whose ``field`` is one of ``values``."""
    unique = list(dict.fromkeys(value for value in values if value))
    for start in range(0, len(unique), VALUES_PER_REQUEST):
        chunk = unique[start : start + VALUES_PER_REQUEST]
        for page in client.iter_pages(path, filters=[Filter(field, "in", chunk)]):
            yield from page.items


def list_all(client: XentralClient, path: str) -> list[dict[str, Any]]:
    """Every item of a short list (projects, payment and shipping methods)."""
    return [item for page in client.iter_pages(path) for item in page.items]


def index_by(items: Iterable[dict[str, Any]], read: Callable[[dict[str, Any]], Any]) -> dict[str, str]:
    """casefolded ``read(item)`` -> item id, for the items where it is set."""
    return {str(value).casefold(): str(item.get("id")) for item in items if (value := read(item)) not in (None, "")}


def _id_sort_key(order_id: str) -> tuple[int, str]:
    return (int(order_id), "") if order_id.isdigit() else (0, order_id)
