"""A v3 order reshaped as the v1 view: what the tables read means the same as the v1 view's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from pipelines.emulator import EmulatorSettings, World
from pipelines.xentral.rows_v3 import order_from_v3

POSITION_FIELDS = ("id", "quantity", "sort", "product", "price", "netRevenueSingle", "grossRevenueSingle",
                   "netRevenueTotal", "grossRevenueTotal", "parent", "hasChildren", "discount", "webId")


def _world(**settings: Any) -> World:
    return World(EmulatorSettings(orders=120, products=12, customers=8, **settings))


def _shipping_products(world: World) -> set[str]:
    return {product_id for product_id in world.product_ids() if world.product_view(product_id)["isShippingCostsProduct"]}


def _amount(money: dict[str, Any]) -> Decimal:
    return Decimal(str(money["amount"]))


def _money(money: dict[str, Any]) -> tuple[Decimal, str]:
    return _amount(money), money["currency"]


def _position(position: dict[str, Any]) -> dict[str, Any]:
    found = {field: position.get(field) for field in POSITION_FIELDS}
    for field in ("price", "netRevenueSingle", "grossRevenueSingle", "netRevenueTotal", "grossRevenueTotal"):
        found[field] = _money(found[field])
    found["discount"] = pytest.approx(found["discount"])
    found["tax"] = {key: position["tax"][key] for key in ("effectiveVatRate", "vatCategory")}
    return found


@pytest.mark.parametrize("amounts", ["string", "mixed"])
def test_every_order_means_what_its_v1_view_says(amounts: str) -> None:
    world = _world(v3_amounts=amounts)
    shipping = _shipping_products(world)
    for order_id in world.order_ids():
        view = world.order_view(order_id)
        row, positions = order_from_v3(world.order_v3(order_id), shipping)

        if view["status"] != "unknown":
            assert row["status"] == view["status"]
        assert row["date"] == view["date"]
        assert row["customer"] == view["customer"]
        assert _money(row["netSales"]) == _money(view["netSales"])
        assert _money(row["total"]) == _money(view["total"])
        assert row["financials"]["currency"] == view["financials"]["currency"]
        assert row["financials"]["billingAddress"]["name"] == view["financials"]["billingAddress"]["name"]
        assert row["delivery"]["shippingAddress"]["city"] == view["delivery"]["shippingAddress"]["city"]
        assert row["delivery"]["shippingMethod"] == view["delivery"]["shippingMethod"]
        assert row["delivery"]["autoShipping"] == view["delivery"]["autoShipping"]
        assert [(cost["id"], cost["quantity"], cost["shippingCostProduct"]["id"], _money(cost["price"]))
                for cost in row["delivery"]["shippingCosts"]] == [
            (cost["id"], cost["quantity"], cost["shippingCostProduct"]["id"], _money(cost["price"]))
            for cost in view["delivery"]["shippingCosts"]]
        assert [_position(position) for position in positions] == [
            _position(position) for position in view["positions"]]
        assert all(position["sales_order_id"] == order_id for position in positions)
        assert "lineItems" not in row and "totals" not in row


def test_headings_subtotals_and_page_breaks_are_no_positions() -> None:
    world = _world()
    order_id = next(order_id for order_id in world.order_ids() if int(order_id) % 8 == 0)
    v3 = world.order_v3(order_id)
    kinds = {item["type"] for item in v3["lineItems"]}
    assert {"heading", "subtotal", "group_total"} <= kinds
    _, positions = order_from_v3(v3, _shipping_products(world))
    assert [position["sort"] for position in positions] == list(range(1, len(positions) + 1))
    assert positions[0]["id"] == world.order_view(order_id)["positions"][0]["id"]


def test_statuses_discounts_and_tax_rates_in_v1_words() -> None:
    order = {"id": "5", "status": "cancelled", "totals": {"net": {"amount": 10, "currency": "EUR"}},
             "lineItems": [{"type": "product", "id": "51", "order": 1, "product": {"id": "3"}, "number": "A-3",
                            "name": "Tee", "discount": 12.5, "taxRate": 7.5, "effectiveTaxRate": 7.5,
                            "price": {"net": {"amount": 8.9, "currency": "EUR"}}}]}
    row, [position] = order_from_v3(order, set())
    assert row["status"] == "canceled"
    assert row["netSales"] == {"amount": "10", "currency": "EUR"}
    assert position["discount"] == 0.125
    assert position["tax"] == {"effectiveVatRate": 7.5, "vatCategory": None, "rate": 7.5}
    assert position["price"] == {"amount": "8.9", "currency": "EUR"}
    assert position["product"] == {"id": "3", "number": "A-3", "name": "Tee"}
    assert order_from_v3({"id": "6", "status": "draft"}, set())[0]["status"] == "created"
