"""Seeded data: deterministic, realistic, internally consistent."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal

import pytest

from pipelines.emulator import EmulatorSettings, World
from pipelines.emulator.clock import BERLIN


@pytest.fixture(scope="module")
def world() -> World:
    return World(EmulatorSettings(orders=300, seed=42))


@pytest.fixture(scope="module")
def orders(world: World) -> list[dict]:
    return [world.order_view(i) for i in world.order_ids()]


def test_same_seed_same_data_other_seed_other_data(world: World) -> None:
    again = World(EmulatorSettings(orders=300, seed=42))
    other = World(EmulatorSettings(orders=300, seed=43))
    sample = world.order_ids()[::37]
    assert [again.order_view(i) for i in sample] == [world.order_view(i) for i in sample]
    assert again.customer_view("9") == world.customer_view("9")
    assert again.product_list_item("9") == world.product_list_item("9")
    assert [other.order_list_item(i) for i in other.order_ids()[:20]] != [
        world.order_list_item(i) for i in world.order_ids()[:20]]
    assert other.customer_view("9") != world.customer_view("9")


def test_data_does_not_depend_on_the_clock(world: World) -> None:
    shifted = World(EmulatorSettings(orders=300, seed=42, clock_start="2030-01-01T00:00:00+01:00"))
    assert shifted.order_view("5") == world.order_view("5")


def test_customers_are_german_with_umlauts_both_types_and_their_addresses(world: World) -> None:
    customers = [world.customer_view(i) for i in world.customer_ids()]
    names = " ".join(c["name"] for c in customers)
    assert any(ch in names for ch in "äöüß")
    assert {c["customerType"] for c in customers} == {"company", "person"}
    counts = Counter(len(world.customer_addresses(i)) for i in world.customer_ids())
    assert {1, 2, 3} <= set(counts) and max(counts) > 10  # some customers need a second page
    types = Counter()
    for customer_id in world.customer_ids():
        addresses = world.customer_addresses(customer_id)
        assert addresses[0]["id"] == addresses[0]["type"] == "masterdata"
        assert [a["type"] for a in addresses] == sorted((a["type"] for a in addresses),
                                                        key=("masterdata", "billingaddress", "deliveryaddress").index)
        assert all(a["id"] == a["type"] or a["id"].isdigit() for a in addresses)
        assert all(len(a["country"]) == 2 and a["zip"] and a["state"] for a in addresses)
        types.update(a["type"] for a in addresses)
    assert set(types) == {"masterdata", "billingaddress", "deliveryaddress"}


def test_reference_data(world: World) -> None:
    assert 2 <= len(world.project_ids()) <= 4
    assert len(world.payment_method_ids()) >= 4 and len(world.shipping_method_ids()) == 4


def test_products_have_19_and_7_percent_prices(world: World) -> None:
    products = [world.product_list_item(i) for i in world.product_ids()]
    assert {p["salesTax"] for p in products} == {"standard", "reduced"}
    for p in products:
        net, gross = Decimal(p["salesPriceNet"]["amount"]), Decimal(p["salesPriceGross"]["amount"])
        rate = Decimal("1.19") if p["salesTax"] == "standard" else Decimal("1.07")
        assert gross == (net * rate).quantize(Decimal("0.01"))


def test_orders_cover_statuses_currencies_and_position_counts(orders: list[dict]) -> None:
    assert {o["status"] for o in orders} == {"created", "released", "completed", "canceled", "unknown"}
    currencies = Counter(o["total"]["currency"] for o in orders)
    assert currencies.most_common(1)[0][0] == "EUR" and set(currencies) == {"EUR", "CHF", "GBP", "USD"}
    counts = {len(o["positions"]) for o in orders}
    assert min(counts) == 1 and max(counts) == 10


def test_order_timestamps_are_historic_berlin_times_with_dst_offsets(orders: list[dict]) -> None:
    start, end = datetime(2024, 1, 1, tzinfo=BERLIN), datetime(2026, 11, 1, tzinfo=BERLIN)
    offsets = set()
    for o in orders:
        created, updated = datetime.fromisoformat(o["createdAt"]), datetime.fromisoformat(o["updatedAt"])
        assert start <= created <= updated < end
        if not o["createdAt"].endswith("Z"):  # some timestamps are written in UTC, the same instant
            assert created.astimezone(BERLIN).utcoffset() == created.utcoffset()
        assert o["date"] == created.astimezone(BERLIN).date().isoformat()
        offsets.update(stamp[-1] if stamp.endswith("Z") else stamp[-6:] for stamp in (o["createdAt"], o["updatedAt"]))
    assert offsets == {"+01:00", "+02:00", "Z"}


def test_totals_are_consistent(world: World, orders: list[dict]) -> None:
    for o in orders:
        net = sum(Decimal(p["netRevenueTotal"]["amount"]) for p in o["positions"])
        gross = sum(Decimal(p["grossRevenueTotal"]["amount"]) for p in o["positions"])
        assert Decimal(o["netSales"]["amount"]) == net
        assert Decimal(o["total"]["amount"]) == gross
        item = world.order_list_item(o["id"])
        assert item["netSales"] == float(net) and item["total"] == float(gross)
        assert "positions" not in item


def test_ids_are_digit_strings_and_money_has_two_decimals(orders: list[dict]) -> None:
    for o in orders[:50]:
        assert o["id"].isdigit()
        for p in o["positions"]:
            assert p["id"].isdigit() and isinstance(p["quantity"], (int, float))
            assert len(p["price"]["amount"].split(".")[1]) == 2


def test_some_orders_hold_a_set_whose_parts_name_it_and_are_priced_at_zero(orders: list[dict]) -> None:
    with_parts = [o for o in orders if any(p["parent"] for p in o["positions"])]
    assert with_parts
    for order in with_parts:
        by_id = {p["id"]: p for p in order["positions"]}
        for part in (p for p in order["positions"] if p["parent"]):
            assert by_id[part["parent"]]["hasChildren"] and not part["hasChildren"]
            assert part["price"]["amount"] == part["netRevenueTotal"]["amount"] == "0.00"
    assert all(not p["hasChildren"] for o in orders if o not in with_parts for p in o["positions"])


def test_some_orders_carry_shipping_costs_never_for_pickup(world: World, orders: list[dict]) -> None:
    shipping_product = next(world.product_list_item(i) for i in world.product_ids()
                            if world.product_list_item(i)["isShippingCostsProduct"])
    charged = [o for o in orders if o["delivery"]["shippingCosts"]]
    assert 0.1 * len(orders) < len(charged) < 0.6 * len(orders)
    for order in charged:
        [cost] = order["delivery"]["shippingCosts"]
        assert cost["shippingCostProduct"]["id"] == shipping_product["id"]
        assert cost["price"]["currency"] == order["financials"]["currency"]
        assert order["delivery"]["shippingMethod"]["id"] != "4"  # pickup
    assert all(p["product"]["id"] != shipping_product["id"] for o in orders for p in o["positions"])


def test_net_sales_include_shipping_costs_only_when_set_so() -> None:
    excluded = World(EmulatorSettings(orders=120, seed=42))
    included = World(EmulatorSettings(orders=120, seed=42, net_sales_shipping="included"))
    order_id = next(i for i in excluded.order_ids() if excluded.order_view(i)["delivery"]["shippingCosts"])
    plain, with_costs = excluded.order_view(order_id), included.order_view(order_id)
    cost = Decimal(plain["delivery"]["shippingCosts"][0]["price"]["amount"])
    assert Decimal(with_costs["netSales"]["amount"]) == Decimal(plain["netSales"]["amount"]) + cost
    assert Decimal(with_costs["total"]["amount"]) == Decimal(plain["total"]["amount"]) + cost + (
        cost * Decimal("0.19")).quantize(Decimal("0.01"))
    assert included.order_list_item(order_id)["netSales"] == float(with_costs["netSales"]["amount"])


def test_product_prices_carry_their_currency(world: World) -> None:
    for product_id in world.product_ids():
        item = world.product_list_item(product_id)
        for key in ("salesPriceNet", "salesPriceGross", "purchasePriceNet", "purchasePriceGross"):
            assert item[key]["currency"] == "EUR"
