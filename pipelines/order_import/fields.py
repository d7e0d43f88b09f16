"""Where each field of an import body came from: the spreadsheet row and column, and the value sent.

One mapping for every problem found in a body, whether our schema check or Xentral's own
validation found it: ``positions.1.quantity`` is the second position's row and its quantity
column, ``financials.billingAddress.email`` the order's row and its ``billing_email`` column.
"""

from __future__ import annotations

from typing import Any

from pipelines.order_import import columns
from pipelines.order_import.model import OrderDraft, Problem

_COLUMN_OF_FIELD = (
    ("externalOrderNumber", columns.ORDER_KEY),
    ("date", columns.ORDER_DATE),
    ("customer", columns.CUSTOMER),
    ("project", columns.PROJECT),
    ("financials.paymentMethod", columns.PAYMENT_METHOD),
    ("financials.currency", columns.CURRENCY),
    ("delivery.shippingMethod", columns.SHIPPING_METHOD),
    ("comment", columns.COMMENT),
)
_ADDRESSES = {"financials.billingAddress": "billing", "delivery.shippingAddress": "shipping"}
_ADDRESS_PART = {"name": "name", "street": "street", "zipCode": "zip", "city": "city", "country": "country",
                 "email": "email"}
_COLUMN_OF_POSITION_FIELD = {
    "product": columns.PRODUCT,
    "quantity": columns.QUANTITY,
    "price": columns.UNIT_PRICE,
    "discount": columns.DISCOUNT,
}


def problem_at(path: str, reason: str, draft: OrderDraft, body: dict[str, Any]) -> Problem:
    """A problem with the body's field at ``path`` (dotted), at the row and column it came from."""
    return Problem(_row_of(path, draft), _column_of(path), _sent_value(body, path), reason)


def _row_of(path: str, draft: OrderDraft) -> int | None:
    parts = path.split(".")
    if _position_field(parts) not in (None, columns.CURRENCY):  # a position's currency is the order's cell
        index = int(parts[1])
        if index < len(draft.positions) and draft.positions[index].row is not None:
            return draft.positions[index].row
    return draft.first_row


def _column_of(path: str) -> str:
    parts = path.split(".")
    position_column = _position_field(parts)
    if position_column is not None:
        return position_column
    for prefix, side in _ADDRESSES.items():
        if path == prefix or path.startswith(prefix + "."):
            part = path.removeprefix(prefix + ".")
            return f"{side}_{_ADDRESS_PART[part]}" if part in _ADDRESS_PART else f"{side}_address"
    matches = (column for prefix, column in _COLUMN_OF_FIELD if path == prefix or path.startswith(prefix + "."))
    return next(matches, path)


def _position_field(parts: list[str]) -> str | None:
    """The column of a position's field (``positions.N.field...``), None for any other path."""
    if parts[0] != "positions" or len(parts) < 3 or not parts[1].isdigit():
        return None
    if parts[2:] == ["price", "currency"]:
        return columns.CURRENCY
    return _COLUMN_OF_POSITION_FIELD.get(parts[2], ".".join(parts))


def _sent_value(body: Any, path: str) -> str:
    """The value sent at ``path`` (``""`` if the path names nothing that was sent, or an object)."""
    node = body
    for part in path.split(".") if path else []:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return ""
    return "" if isinstance(node, (dict, list)) else str(node)
