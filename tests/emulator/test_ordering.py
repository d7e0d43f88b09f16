"""Ordering: only the spec's fields per endpoint, asc/desc in either case, id ascending by default."""
from __future__ import annotations

import pytest

from tests.emulator.conftest import Client, fetch_all, violations


def order(field: str, direction: str) -> dict:
    return {"order[0][field]": field, "order[0][dir]": direction}


@pytest.mark.parametrize("direction", ["desc", "DESC"])
def test_orders_by_id_descending(client: Client, direction: str) -> None:
    rows = fetch_all(client, "/api/v1/salesOrders", order("id", direction))
    assert [r["id"] for r in rows] == client.emulator.world.order_ids()[::-1]


def test_document_number_order_puts_new_orders_last(client: Client) -> None:
    world = client.emulator.world
    new = world.create_order()
    rows = fetch_all(client, "/api/v1/salesOrders", order("documentNumber", "asc"))
    numbers = [int(r["documentNumber"]) for r in rows]
    assert numbers == sorted(numbers) and rows[-1]["id"] == new


def test_products_by_name_then_id(client: Client) -> None:
    params = {**order("name", "asc"), "order[1][field]": "id", "order[1][dir]": "desc"}
    rows = fetch_all(client, "/api/v2/products", params)
    keys = [(r["name"].casefold(), -int(r["id"])) for r in rows]
    assert keys == sorted(keys)


def test_products_by_price_descending(client: Client) -> None:
    rows = fetch_all(client, "/api/v2/products", order("salesPriceNet", "desc"))
    prices = [float(r["salesPriceNet"]["amount"]) for r in rows]
    assert prices == sorted(prices, reverse=True) and len(set(prices)) > 1


@pytest.mark.parametrize("path, field", [("/api/v1/salesOrders", "createdAt"), ("/api/v2/customers", "name"),
                                         ("/api/v1/paymentMethods", "designation")])
def test_fields_outside_the_spec_enum_are_refused(client: Client, path: str, field: str) -> None:
    assert violations(client.get(path, order(field, "asc"))) == {
        "order": {"0": {"field": ["The value you selected is not a valid choice."]}}}


def test_bad_direction_is_refused(client: Client) -> None:
    assert violations(client.get("/api/v2/customers", order("id", "up"))) == {
        "order": {"0": {"dir": ["The value you selected is not a valid choice."]}}}
