"""Shaping API answers into table rows: one function per table, no HTTP here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any


def order_row(view: Mapping[str, Any]) -> dict[str, Any]:
    """The sales order as its view returns it, without positions (they get their own table)."""
    return {key: value for key, value in view.items() if key != "positions"}


def position_rows(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per position, keyed to its order by `sales_order_id`."""
    return [{**position, "sales_order_id": view["id"]} for position in view.get("positions") or []]


def customer_row(
    list_item: Mapping[str, Any] | None, view: Mapping[str, Any], synced_at: datetime
) -> dict[str, Any]:
    """The customer's view merged over its list row, with what the next run compares against.

    A customer read through v3 has no v2 list row (`None`): its view holds every field the list has.
    """
    return {
        **(list_item or {}),
        **view,
        "list_row_hash": None if list_item is None else list_row_hash(list_item),
        "details_synced_at": synced_at,
    }


def address_rows(customer_id: str, addresses: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A customer's addresses, keyed to the customer by `customer_id`."""
    return [{**address, "customer_id": customer_id} for address in addresses]


def list_row_hash(list_item: Mapping[str, Any]) -> str:
    """A fingerprint of a customer list row: the v2 list has no timestamps, so a change shows here."""
    canonical = json.dumps(list_item, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class NewListColumns:
    """JSON-column hints for the list columns a table was not hinted yet in this run.

    Nested lists (tags, shipping costs, variants...) stay whole in a JSON column instead of
    becoming dlt child tables, so a merged row is complete in one table. dlt keeps the hints a
    resource was given; handing them over again with every item made it recompute the table
    schema each time, about 5 % of a sync's local work.
    """

    def __init__(self) -> None:
        self._hinted: dict[str, set[str]] = {}

    def of(self, table: str, list_columns: Iterable[str]) -> dict[str, dict[str, str]] | None:
        """Hints for `list_columns` new to `table`; None once `table` was hinted and nothing is new."""
        columns = {name: {"data_type": "json"} for name in list_columns}
        hinted = self._hinted.get(table)
        if hinted is None:
            self._hinted[table] = set(columns)
            return columns
        new = {name: hint for name, hint in columns.items() if name not in hinted}
        hinted.update(new)
        return new or None
