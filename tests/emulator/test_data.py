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


def test_customers_are_german_with_umlauts_both_types_and_1_to_3_addresses(world: World) -> None:
    customers = [world.customer_view(i) for i in world.customer_ids()]
    names = " ".join(c["name"] for c in customers)
    assert any(ch in names for ch in "äöüß")
    assert {c["customerType"] for c in customers} == {"company", "person"}
    counts = {len(world.customer_addresses(i)) for i in world.customer_ids()}
    assert counts <= {1, 2, 3} and len(counts) >= 2
    for customer_id in world.customer_ids():
        addresses = world.customer_addresses(customer_id)
        assert addresses[0]["type"] == "billing" and addresses[0]["isPrimary"]
        assert all(len(a["country"]) == 2 for a in addresses)


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
        assert created.astimezone(BERLIN).utcoffset() == created.utcoffset()
        assert o["date"] == created.astimezone(BERLIN).date().isoformat()
        offsets.add(o["createdAt"][-6:])
    assert offsets == {"+01:00", "+02:00"}


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
