"""v3 sales orders shaped as the v1 view: a column means the same whichever API loaded its row.

The field mapping is V3.md's. What differs besides names:
- line items mix products with headings, subtotals, group totals, images and page breaks: only
  `product` items are positions. Shipping costs are product items too (their product is a
  shipping cost product); they go where v1 has them, `delivery.shippingCosts`, and the order's
  `netSales`/`total` leave them out as v1's do (`totals` counts every product item).
- `order` numbers every line item; a position's `sort` is its place among the positions, 1, 2, ...
- `discount` is a percentage (10) where v1 writes a fraction (0.1).
- `draft`/`cancelled` are v1's `created`/`canceled`; v1's `unknown` has no v3 counterpart.
- amounts may come as numbers: they become decimal strings, as v1 writes them.
Fields only v3 has keep their own names. The decoded order is reshaped in place (its nested
objects are reused): a page of a thousand orders is the hot path.
"""

from __future__ import annotations

from collections.abc import Container
from decimal import Decimal
from typing import Any

V1_STATUS = {"draft": "created", "cancelled": "canceled"}
VAT_CATEGORIES = {"standard": "normal", "reduced": "reduced", "exempt": "exempt"}
"""v3's `taxRate` names against v1's `tax.vatCategory`."""


Row = dict[str, Any]


def order_from_v3(order: Row, shipping_products: Container[str]) -> tuple[Row, list[Row]]:
    """The order's row and its positions' rows, as the v1 view gives them; `shipping_products` are
    the ids of the products Xentral charges shipping costs with."""
    goods: list[dict[str, Any]] = []
    shipping: list[dict[str, Any]] = []
    for item in order.pop("lineItems", None) or ():
        if item.get("type") == "product":
            (shipping if _product_id(item) in shipping_products else goods).append(item)
    goods.sort(key=lambda item: item.get("order") or 0)
    order_id = order["id"]
    positions = [_position(item, sort, order_id) for sort, item in enumerate(goods, start=1)]
    shipping_rows = [_position(item, None, order_id) for item in shipping]
    _order_fields(order, shipping_rows)
    return order, positions


def _order_fields(order: dict[str, Any], shipping_rows: list[dict[str, Any]]) -> None:
    if "documentDate" in order:
        order["date"] = order.pop("documentDate")
    status = order.get("status")
    order["status"] = V1_STATUS.get(status, status) if isinstance(status, str) else status
    address = order.pop("address", None)
    order["customer"] = {"id": address.get("id") if isinstance(address, dict) else None,
                         "number": order.pop("customerNumber", None)}
    totals = order.pop("totals", None) or {}
    order["netSales"] = _less(totals.get("net"), shipping_rows, "netRevenueTotal")
    order["total"] = _less(totals.get("gross"), shipping_rows, "grossRevenueTotal")
    if totals.get("taxBreakdown") is not None:
        order["taxBreakdown"] = totals["taxBreakdown"]
    financials = order.get("financials")
    if isinstance(financials, dict) and "documentAddress" in order:
        financials["billingAddress"] = order.pop("documentAddress")
    effective = order.pop("effectiveAddresses", None) or {}
    order.pop("deviatingShipToAddress", None)  # effectiveAddresses.shipTo holds it, or the document address
    order["delivery"] = {
        "autoShipping": order.pop("autoDispatch", None),
        "shippingMethod": order.pop("shippingMethod", None),
        "shippingAddress": effective.get("shipTo"),
        "shippingCosts": [_shipping_cost(row) for row in shipping_rows],
    }


def _position(item: dict[str, Any], sort: int | None, order_id: str) -> dict[str, Any]:
    """A product line item as a v1 position (`sort` None: a shipping cost line)."""
    price = item.pop("price", None) or {}
    single = item.pop("itemRevenue", None) or {}
    whole = item.pop("lineItemRevenue", None) or {}
    parent = item.pop("parentLineItem", None)
    discount = item.get("discount")
    item.pop("type", None)
    item.pop("order", None)
    item["sort"] = sort
    item["product"] = {"id": _product_id(item), "number": item.pop("number", None), "name": item.pop("name", None)}
    item["price"] = _money(price.get("net"))
    item["netRevenueSingle"] = _money(single.get("net"))
    item["grossRevenueSingle"] = _money(single.get("gross"))
    item["netRevenueTotal"] = _money(whole.get("net"))
    item["grossRevenueTotal"] = _money(whole.get("gross"))
    item["tax"] = {"effectiveVatRate": item.pop("effectiveTaxRate", None), **_tax_category(item.pop("taxRate", None))}
    item["parent"] = parent.get("id") if isinstance(parent, dict) else None
    item["hasChildren"] = item.pop("hasChildLineItems", None)
    if "externalNumber" in item:
        item["webId"] = item.pop("externalNumber")
    if isinstance(discount, (int, float)) and not isinstance(discount, bool):
        item["discount"] = round(discount / 100, 10)
    item["sales_order_id"] = order_id
    return item


def _shipping_cost(row: dict[str, Any]) -> dict[str, Any]:
    """A shipping cost line as v1's `delivery.shippingCosts` lists it."""
    return {"id": row.get("id"), "quantity": row.get("quantity"), "shippingCostProduct": row["product"],
            "tax": row["tax"], "price": row["price"], "discount": row.get("discount")}


def _product_id(item: dict[str, Any]) -> str | None:
    product = item.get("product")
    return product.get("id") if isinstance(product, dict) else None


def _tax_category(tax_rate: Any) -> dict[str, Any]:
    """v3's `taxRate`, a name or a number, as v1's `vatCategory` or `rate`."""
    if isinstance(tax_rate, str):
        return {"vatCategory": VAT_CATEGORIES.get(tax_rate, tax_rate), "rate": None}
    return {"vatCategory": None, "rate": tax_rate}


def _money(money: Any) -> dict[str, Any] | None:
    """`{amount, currency}` with the amount as a decimal string (v3 may send a number)."""
    if not isinstance(money, dict):
        return None
    amount = money.get("amount")
    if amount is None or isinstance(amount, str):
        return money
    return {**money, "amount": str(_decimal(amount))}


def _less(total: Any, shipping_rows: list[dict[str, Any]], revenue: str) -> dict[str, Any] | None:
    """A document total without its shipping cost lines."""
    money = _money(total)
    if not shipping_rows or money is None or money.get("amount") is None:
        return money
    amount = _decimal(money["amount"])
    for row in shipping_rows:
        line = row.get(revenue)
        if line is not None and line.get("amount") is not None:
            amount -= _decimal(line["amount"])
    return {**money, "amount": str(amount)}


def _decimal(amount: str | float | int) -> Decimal:
    return Decimal(amount if isinstance(amount, str) else repr(amount))
