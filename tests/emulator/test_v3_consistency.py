"""One world, two APIs: for every order, the v1 view and the v3 answers (list item and view) agree on
ids, instants, amounts and product positions, as V3.md maps the fields."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.emulator.conftest import Client

V3_STATUS = {"created": "draft", "released": "released", "completed": "completed", "canceled": "cancelled"}
TAX_RATES = {"normal": "standard", "reduced": "reduced", "exempt": "exempt"}
ADDRESS_FIELDS = ("name", "street", "zipCode", "city", "state", "country", "email", "department", "subDepartment",
                  "addressSupplement", "contactPerson")


def amount(money: dict[str, Any]) -> Decimal:
    return Decimal(str(money["amount"]))


def v3_orders(client: Client) -> dict[str, dict]:
    """Every order as the v3 list answers it with its line items, by id (walked by cursor)."""
    found: dict[str, dict] = {}
    params: dict[str, Any] = {"perPage": 1000, "include": "lineItems", "sort": "updatedAt,id"}
    while True:
        body = client.get("/api/v3/salesOrders", params, headers={"x-pagination": "cursor"}).json()
        found.update({order["id"]: order for order in body["data"]})
        if body["meta"]["nextCursor"] is None:
            return found
        params["cursor"] = body["meta"]["nextCursor"]


def assert_same_order(v1: dict, v3: dict, shipping_in_net_sales: bool) -> None:
    assert (v3["id"], v3["documentNumber"], v3["documentDate"]) == (v1["id"], v1["documentNumber"], v1["date"])
    assert (v3["createdAt"], v3["updatedAt"]) == (v1["createdAt"], v1["updatedAt"])
    assert v3["status"] == V3_STATUS.get(v1["status"], "released")
    assert (v3["address"]["id"], v3["customerNumber"]) == (v1["customer"]["id"], v1["customer"]["number"])
    assert v3["financials"]["currency"] == v1["financials"]["currency"]
    assert v3["financials"]["paymentMethod"] == v1["financials"]["paymentMethod"]
    assert v3["project"] == v1["project"] and v3["shippingMethod"] == v1["delivery"]["shippingMethod"]
    assert v3["autoDispatch"] == v1["delivery"]["autoShipping"]
    for key in ("externalOrderNumber", "externalOrderId", "customerOrderNumber", "transactionNumber"):
        assert v3[key] == v1[key]
    for v1_address, v3_address in ((v1["financials"]["billingAddress"], v3["documentAddress"]),
                                   (v1["delivery"]["shippingAddress"], v3["effectiveAddresses"]["shipTo"])):
        assert {k: v1_address.get(k) for k in ADDRESS_FIELDS} == {k: v3_address.get(k) for k in ADDRESS_FIELDS}
    products = [item for item in sorted(v3["lineItems"], key=lambda item: item["order"]) if item["type"] == "product"]
    costs = v1["delivery"]["shippingCosts"]
    assert len(products) == len(v1["positions"]) + len(costs)
    for position, item in zip(sorted(v1["positions"], key=lambda p: p["sort"]), products):
        assert_same_position(position, item)
    for cost, item in zip(costs, products[len(v1["positions"]):]):
        assert (item["id"], item["product"]["id"], item["quantity"]) == (
            cost["id"], cost["shippingCostProduct"]["id"], cost["quantity"])
        assert amount(item["price"]["net"]) == amount(cost["price"])
    cost_net = sum((amount(item["lineItemRevenue"]["net"]) for item in products[len(v1["positions"]):]), Decimal(0))
    cost_gross = sum((amount(item["lineItemRevenue"]["gross"]) for item in products[len(v1["positions"]):]),
                     Decimal(0))
    extra_net, extra_gross = (0, 0) if shipping_in_net_sales else (cost_net, cost_gross)
    assert amount(v3["totals"]["net"]) == amount(v1["netSales"]) + extra_net
    assert amount(v3["totals"]["gross"]) == amount(v1["total"]) + extra_gross


def assert_same_position(position: dict, item: dict) -> None:
    assert (item["id"], item["quantity"], item["product"]["id"]) == (
        position["id"], position["quantity"], position["product"]["id"])
    assert (item["number"], item["name"]) == (position["product"]["number"], position["product"]["name"])
    assert amount(item["price"]["net"]) == amount(position["price"])
    assert amount(item["itemRevenue"]["net"]) == amount(position["netRevenueSingle"])
    assert amount(item["itemRevenue"]["gross"]) == amount(position["grossRevenueSingle"])
    assert amount(item["lineItemRevenue"]["net"]) == amount(position["netRevenueTotal"])
    assert amount(item["lineItemRevenue"]["gross"]) == amount(position["grossRevenueTotal"])
    assert item["effectiveTaxRate"] == position["tax"]["effectiveVatRate"]
    assert item["taxRate"] == TAX_RATES[position["tax"]["vatCategory"]]
    assert Decimal(str(item["discount"])) == Decimal(str(position["discount"])) * 100  # fraction -> percent
    assert (item["parentLineItem"] or {}).get("id") == position["parent"]
    assert item["hasChildLineItems"] == position["hasChildren"]
    assert item["externalNumber"] == position["webId"]


@pytest.mark.parametrize("settings", [{}, {"net_sales_shipping": "included", "v3_amounts": "mixed"}])
def test_every_order_agrees_in_v1_and_v3(emulator_factory, settings: dict) -> None:
    emulator = emulator_factory(orders=150, rate_limit=100_000, **settings)
    client = Client(emulator)
    world = emulator.world
    world.update_order(world.order_ids()[1], position_quantities={f"{world.order_ids()[1]}001": 7})
    world.create_order(customer_id="3", external_order_number="WEB-1")
    listed = v3_orders(client)
    assert sorted(listed, key=int) == world.order_ids()
    for order_id in world.order_ids():
        v1 = client.get(f"/api/v1/salesOrders/{order_id}").json()["data"]
        view = client.get(f"/api/v3/salesOrders/{order_id}", {"include": "lineItems"}).json()["data"]
        assert view == listed[order_id]
        assert_same_order(v1, view, settings.get("net_sales_shipping") == "included")
