"""What each lookup shows on a terminal: the rows and fields people ask about, nothing recomputed
except an order's tax (total minus net, in exact decimals)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipelines.lookups.format import (
    NO_VALUE,
    Column,
    decimal_of,
    fields,
    money,
    money_object,
    quantity,
    table,
    text,
    timestamp,
)

Row = dict[str, Any]


def _get(row: Any, *path: str) -> Any:
    """``row[a][b]...`` or None where a level is missing or not an object."""
    for key in path:
        if not isinstance(row, dict):
            return None
        row = row.get(key)
    return row


def _ref(row: Row, *path: str) -> str:
    """``id 2`` for a ``{id}`` reference, with its name where the API sends one."""
    ref = _get(row, *path)
    if not isinstance(ref, dict) or ref.get("id") is None:
        return NO_VALUE
    name = ref.get("name") or ref.get("designation")
    return f"{name} (id {ref['id']})" if name else f"id {ref['id']}"


def _address(address: Any) -> str:
    if not isinstance(address, dict):
        return NO_VALUE
    place = " ".join(part for part in (address.get("zipCode"), address.get("city")) if part)
    parts = [address.get("name"), address.get("street"), place, address.get("country")]
    return ", ".join(str(part) for part in parts if part) or NO_VALUE


# ---- sales orders ------------------------------------------------------------------------

ORDER_COLUMNS = (
    Column("id", right=True), Column("document"), Column("date"), Column("status"), Column("customer"),
    Column("net", right=True), Column("total", right=True),
)


def order_list(orders: Sequence[Row]) -> str:
    """List items carry ``netSales``/``total`` as plain numbers, in ``financials.currency``."""
    rows = []
    for order in orders:
        currency = _get(order, "financials", "currency")
        rows.append([
            text(order.get("id")), text(order.get("documentNumber")), text(order.get("date")),
            text(order.get("status")), text(_get(order, "customer", "number")),
            money(order.get("netSales"), currency), money(order.get("total"), currency),
        ])
    return table(ORDER_COLUMNS, rows)


POSITION_COLUMNS = (
    Column("pos", right=True), Column("product"), Column("name"), Column("qty", right=True),
    Column("price", right=True), Column("discount", right=True), Column("tax", right=True),
    Column("net", right=True),
)


def order_detail(order: Row) -> str:
    """The view: header, addresses, positions and the amounts (money objects with currency)."""
    header = fields([
        ("status", text(order.get("status"))),
        ("date", text(order.get("date"))),
        ("customer", f"{text(_get(order, 'customer', 'number'))} (id {text(_get(order, 'customer', 'id'))})"),
        ("project", _ref(order, "project")),
        ("payment method", _ref(order, "financials", "paymentMethod")),
        ("shipping method", _ref(order, "delivery", "shippingMethod")),
        ("auto shipping", text(_get(order, "delivery", "autoShipping"))),
        ("external number", text(order.get("externalOrderNumber"))),
        ("customer order no.", text(order.get("customerOrderNumber"))),
        ("billing address", _address(_get(order, "financials", "billingAddress"))),
        ("shipping address", _address(_get(order, "delivery", "shippingAddress"))),
        ("created", timestamp(order.get("createdAt"))),
        ("updated", timestamp(order.get("updatedAt"))),
    ])
    title = f"Sales order {text(order.get('documentNumber'))} (id {text(order.get('id'))})"
    parts = [title, header, "", _positions(order.get("positions") or []), "", _amounts(order)]
    return "\n".join(parts)


def _positions(positions: Sequence[Row]) -> str:
    rows = [
        [
            text(position.get("sort")), text(_get(position, "product", "number")),
            text(_get(position, "product", "name")), quantity(position.get("quantity")),
            money_object(position.get("price")), quantity(position.get("discount")),
            text(_get(position, "tax", "taxText") or _get(position, "tax", "vatCategory")),
            money_object(position.get("netRevenueTotal")),
        ]
        for position in positions
    ]
    return table(POSITION_COLUMNS, rows) if rows else "(no positions)"


def _amounts(order: Row) -> str:
    net, total = order.get("netSales"), order.get("total")
    pairs = [("net", money_object(net)), ("total", money_object(total))]
    net_amount, total_amount = decimal_of(_get(net, "amount")), decimal_of(_get(total, "amount"))
    currency = _get(total, "currency")
    if net_amount is not None and total_amount is not None and currency == _get(net, "currency"):
        pairs.insert(1, ("tax", money(total_amount - net_amount, currency)))
    return fields(pairs)


# ---- products ----------------------------------------------------------------------------

PRODUCT_COLUMNS = (
    Column("id", right=True), Column("number"), Column("name"), Column("net price", right=True),
    Column("gross price", right=True), Column("available", right=True), Column("active"),
)


def product_list(products: Sequence[Row]) -> str:
    """Prices come only in the list, as amounts without a currency (the schema has none)."""
    rows = [
        [
            text(product.get("id")), text(product.get("number")), text(product.get("name")),
            money(_get(product, "salesPriceNet", "amount")), money(_get(product, "salesPriceGross", "amount")),
            quantity(_get(product, "stockStats", "availableCount")), text(not product.get("isDisabled")),
        ]
        for product in products
    ]
    return table(PRODUCT_COLUMNS, rows)


def product_detail(view: Row, listed: Row | None) -> str:
    """The view's fields, plus prices and stock from the product's list item (the view drops them)."""
    listed = listed or {}
    pairs = [
        ("number", text(view.get("number"))),
        ("name", text(view.get("name"))),
        ("description", text(view.get("description"))),
        ("project", _ref(view, "project")),
        ("EAN", text(view.get("ean"))),
        ("unit", text(_get(view, "unit", "name"))),
        ("manufacturer", text(_get(view, "manufacturer", "name"))),
        ("sales price net", money(_get(listed, "salesPriceNet", "amount"))),
        ("sales price gross", money(_get(listed, "salesPriceGross", "amount"))),
        ("purchase price net", money(_get(listed, "purchasePriceNet", "amount"))),
        ("stock available", quantity(_get(listed, "stockStats", "availableCount"))),
        ("stock total", quantity(_get(listed, "stockStats", "totalCount"))),
        ("stock item", text(view.get("isStockItem"))),
        ("active", text(not view.get("isDisabled"))),
        ("updated", timestamp(view.get("updatedAt"))),
    ]
    return f"Product {text(view.get('number'))} (id {text(view.get('id'))})\n{fields(pairs)}"


# ---- customers ---------------------------------------------------------------------------

CUSTOMER_COLUMNS = (
    Column("id", right=True), Column("number"), Column("name"), Column("type"), Column("email"), Column("phone"),
)


def customer_list(customers: Sequence[Row]) -> str:
    rows = [
        [
            text(customer.get("id")), text(customer.get("number")), text(customer.get("name")),
            text(customer.get("customerType")), text(_get(customer, "contactDetails", "email")),
            text(_get(customer, "contactDetails", "phone")),
        ]
        for customer in customers
    ]
    return table(CUSTOMER_COLUMNS, rows)


ADDRESS_COLUMNS = (
    Column("type"), Column("name"), Column("department"), Column("street"), Column("zip"), Column("city"),
    Column("country"),
)


def customer_detail(view: Row, addresses: Sequence[Row]) -> str:
    pairs = [
        ("number", text(view.get("number"))),
        ("name", text(view.get("name"))),
        ("type", text(view.get("customerType"))),
        ("email", text(_get(view, "contactDetails", "email"))),
        ("phone", text(_get(view, "contactDetails", "phone"))),
        ("main project", _ref(view, "mainProject")),
        ("payment method", _ref(view, "financials", "paymentMethod")),
        ("shipping method", _ref(view, "shipping", "shippingMethod")),
        ("currency", text(_get(view, "financials", "defaultCurrency"))),
        ("created", timestamp(view.get("createdAt"))),
        ("updated", timestamp(view.get("updatedAt"))),
    ]
    rows = [
        [
            text(address.get("type")), text(address.get("name")), text(address.get("department")),
            ", ".join(part for part in (address.get("street"), address.get("addressSupplement")) if part) or NO_VALUE,
            text(address.get("zip")), text(address.get("city")), text(address.get("country")),
        ]
        for address in addresses
    ]
    address_table = table(ADDRESS_COLUMNS, rows) if rows else "(no addresses)"
    title = f"Customer {text(view.get('number'))} (id {text(view.get('id'))})"
    return f"{title}\n{fields(pairs)}\n\n{address_table}"


def candidates(rows: Sequence[Row]) -> str:
    """The records a value named, to choose from (orders, products and customers alike)."""
    columns = (Column("id", right=True), Column("number"), Column("name"))
    lines = [
        [text(row.get("id")), text(row.get("documentNumber") or row.get("number")), _candidate_name(row)]
        for row in rows
    ]
    return table(columns, lines)


def _candidate_name(row: Row) -> str:
    """A product's or customer's name; for an order, its customer and date."""
    if "documentNumber" in row:
        return f"customer {text(_get(row, 'customer', 'number'))}, {text(row.get('date'))}"
    return text(row.get("name"))
