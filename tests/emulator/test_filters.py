"""Filters: every operator, the value forms, dates compared as instants, refusals."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from pipelines.emulator.clock import BERLIN
from tests.emulator.conftest import Client, fetch_all, filters, violations

ORDERS = "/api/v1/salesOrders"
PRODUCTS = "/api/v2/products"


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def ids(rows: list[dict]) -> list[str]:
    return [row["id"] for row in rows]


def expect(client: Client, path: str, params: dict, everything: list[dict], keep: Callable[[dict], bool]) -> None:
    expected = [row["id"] for row in everything if keep(row)]
    assert expected, "the filter must select something to be a meaningful test"
    assert ids(fetch_all(client, path, params)) == expected


@pytest.fixture
def orders(client: Client) -> list[dict]:
    world = client.emulator.world
    return [world.order_list_item(i) for i in world.order_ids()]


@pytest.fixture
def products(client: Client) -> list[dict]:
    world = client.emulator.world
    return [world.product_list_item(i) for i in world.product_ids()]


CUTOFF = "2025-06-15T12:00:00+02:00"


@pytest.mark.parametrize("op, keep", [
    ("greaterThan", lambda t, c: t > c), ("greaterThanOrEquals", lambda t, c: t >= c),
    ("lessThan", lambda t, c: t < c), ("lessThanOrEquals", lambda t, c: t <= c),
])
def test_date_comparisons(client: Client, orders: list[dict], op: str, keep: Callable) -> None:
    expect(client, ORDERS, filters(("updatedAt", op, CUTOFF)), orders,
           lambda o: keep(instant(o["updatedAt"]), instant(CUTOFF)))


def test_date_equals_matches_the_same_instant_in_any_offset(client: Client, orders: list[dict]) -> None:
    target = orders[17]["createdAt"]
    as_utc = instant(target).astimezone(datetime.fromisoformat("2020-01-01T00:00:00+00:00").tzinfo)
    value = as_utc.isoformat().replace("+00:00", "Z")
    expect(client, ORDERS, filters(("createdAt", "equals", value)), orders, lambda o: o["createdAt"] == target)


def test_status_equals_not_equals_in_not_in(client: Client, orders: list[dict]) -> None:
    expect(client, ORDERS, filters(("status", "equals", "released")), orders, lambda o: o["status"] == "released")
    expect(client, ORDERS, filters(("status", "notEquals", "completed")), orders,
           lambda o: o["status"] != "completed")
    expect(client, ORDERS, filters(("status", "in", ["created", "canceled"])), orders,
           lambda o: o["status"] in ("created", "canceled"))
    expect(client, ORDERS, filters(("status", "notIn", ["created", "canceled"])), orders,
           lambda o: o["status"] not in ("created", "canceled"))


def test_in_accepts_indexed_and_comma_separated_values(client: Client, orders: list[dict]) -> None:
    wanted = {orders[3]["documentNumber"], orders[9]["documentNumber"]}
    keep = lambda o: o["documentNumber"] in wanted  # noqa: E731
    first, second = sorted(wanted)
    expect(client, ORDERS, {"filter[0][key]": "documentNumber", "filter[0][op]": "in",
                            "filter[0][value][0]": first, "filter[0][value][1]": second}, orders, keep)
    expect(client, ORDERS, filters(("documentNumber", "in", f"{first},{second}")), orders, keep)


def test_keys_the_sync_uses(client: Client, orders: list[dict]) -> None:
    shop = next(o for o in orders if o["externalOrderNumber"])
    expect(client, ORDERS, filters(("externalOrderNumber", "equals", shop["externalOrderNumber"])), orders,
           lambda o: o["externalOrderNumber"] == shop["externalOrderNumber"])
    expect(client, ORDERS, filters(("externalOrderId", "in", [shop["externalOrderId"]])), orders,
           lambda o: o["externalOrderId"] == shop["externalOrderId"])
    customer = orders[5]["customer"]["id"]
    expect(client, ORDERS, filters(("customerId", "equals", customer)), orders,
           lambda o: o["customer"]["id"] == customer)
    expect(client, ORDERS, filters(("createdAt", "greaterThanOrEquals", "2026-01-01T00:00:00+01:00"),
                                   ("status", "equals", "completed")), orders,
           lambda o: instant(o["createdAt"]) >= instant("2026-01-01T00:00:00+01:00") and o["status"] == "completed")


def test_filters_on_fields_without_fast_columns(client: Client, orders: list[dict]) -> None:
    city_zip = orders[0]["financials"]["billingAddress"]["zipCode"]
    expect(client, ORDERS, filters(("zipCode", "equals", city_zip)), orders,
           lambda o: o["financials"]["billingAddress"]["zipCode"] == city_zip)
    expect(client, ORDERS, filters(("project", "equals", "2")), orders, lambda o: o["project"]["id"] == "2")


@pytest.mark.parametrize("op, value, keep", [
    ("contains", "GRÖSSE", lambda name: "größe" in name.lower()),
    ("notContains", "größe", lambda name: "größe" not in name.lower()),
    ("startsWith", "KAFFEE", lambda name: name.lower().startswith("kaffee")),
    ("endsWith", "blau", lambda name: name.lower().endswith("blau")),
])
def test_text_operators_are_case_insensitive(client: Client, products: list[dict], op: str, value: str,
                                             keep: Callable[[str], bool]) -> None:
    expect(client, PRODUCTS, filters(("name", op, value)), products, lambda p: keep(p["name"]))


@pytest.mark.parametrize("op, keep", [
    ("greaterThan", lambda a, b: a > b), ("lessThan", lambda a, b: a < b),
    ("greaterThanOrEquals", lambda a, b: a >= b), ("lessThanOrEquals", lambda a, b: a <= b),
])
def test_number_comparisons_on_prices(client: Client, products: list[dict], op: str, keep: Callable) -> None:
    expect(client, PRODUCTS, filters(("salesPriceNet", op, "20.09")), products,
           lambda p: keep(float(p["salesPriceNet"]["amount"]), 20.09))


def test_product_keys_the_sync_uses(client: Client, products: list[dict]) -> None:
    expect(client, PRODUCTS, filters(("id", "in", ["3", "7"])), products, lambda p: p["id"] in ("3", "7"))
    expect(client, PRODUCTS, filters(("number", "equals", "AR-10005")), products, lambda p: p["number"] == "AR-10005")
    expect(client, PRODUCTS, filters(("updatedAt", "greaterThan", CUTOFF)), products,
           lambda p: instant(p["updatedAt"]) > instant(CUTOFF))
    expect(client, PRODUCTS, filters(("search", "contains", "AR-1001")), products, lambda p: "AR-1001" in p["number"])


def test_customer_keys_the_sync_uses(client: Client) -> None:
    world = client.emulator.world
    customers = [world.customer_list_item(i) for i in world.customer_ids()]
    path = "/api/v2/customers"
    expect(client, path, filters(("id", "greaterThan", "40")), customers, lambda c: int(c["id"]) > 40)
    expect(client, path, filters(("number", "equals", "10007")), customers, lambda c: c["number"] == "10007")
    email = customers[4]["contactDetails"]["email"]
    expect(client, path, filters(("email", "equals", email.upper())), customers,
           lambda c: c["contactDetails"]["email"] == email)


def test_dates_compare_as_instants_across_the_dst_change(client: Client) -> None:
    world = client.emulator.world
    world.freeze_clock(datetime.fromisoformat("2026-10-25T02:30:00+02:00"))
    summer = world.create_order()
    world.freeze_clock(datetime.fromisoformat("2026-10-25T02:30:00+01:00"))  # one hour later
    winter = world.create_order()
    assert datetime.fromisoformat(world.order_view(summer)["createdAt"]) == datetime.fromisoformat(
        "2026-10-25T02:30:00+02:00")
    assert datetime.fromisoformat(world.order_view(winter)["createdAt"]) == datetime.fromisoformat(
        "2026-10-25T02:30:00+01:00")
    after = ids(fetch_all(client, ORDERS, filters(("createdAt", "greaterThan", "2026-10-25T02:30:00+02:00"))))
    assert winter in after and summer not in after
    before = ids(fetch_all(client, ORDERS, filters(("createdAt", "lessThan", "2026-10-25T02:30:00+01:00"))))
    assert summer in before and winter not in before
    exact = ids(fetch_all(client, ORDERS, filters(("createdAt", "equals", "2026-10-25T00:30:00Z"))))
    assert exact == [summer]
    world.freeze_clock(datetime(2026, 7, 1, 12, 0, tzinfo=BERLIN))
    assert datetime.fromisoformat(world.order_view(world.create_order())["createdAt"]) == datetime(
        2026, 7, 1, 12, 0, tzinfo=BERLIN)


@pytest.mark.parametrize("value", ["yesterday", "2026-10-25T02:30:00 02:00", "2026-13-01"])
def test_a_value_that_is_not_a_date_is_refused(client: Client, value: str) -> None:
    found = violations(client.get(ORDERS, filters(("updatedAt", "greaterThan", value))))
    assert found == {"filter": {"0": {"value": ["This value is not a valid date."]}}}


def test_unknown_key_and_op_are_refused_in_the_spec_form(client: Client) -> None:
    assert violations(client.get(ORDERS, filters(("total", "equals", "1")))) == {
        "filter": {"0": {"key": ["The value you selected is not a valid choice."]}}}
    found = violations(client.get(ORDERS, filters(("status", "equals", "released"), ("status", "contains", "x"))))
    assert found == {"filter": {"1": {"op": ["The value you selected is not a valid choice."]}}}
    assert "filter" in violations(client.get("/api/v2/customers", filters(("updatedAt", "greaterThan", CUTOFF))))


def test_each_endpoint_has_its_own_key_list(client: Client) -> None:
    assert client.get("/api/v1/projects", filters(("keyName", "equals", "SHOP"))).json()["data"][0]["id"] == "2"
    methods = client.get("/api/v1/paymentMethods", filters(("type", "startsWith", "pay"))).json()["data"]
    assert [m["type"] for m in methods] == ["paypal"]
    assert "filter" in violations(client.get("/api/v1/paymentMethods", filters(("name", "equals", "x"))))
    assert "filter" in violations(client.get("/api/v1/shippingMethods", filters(("id", "equals", "1"))))


def test_an_incomplete_filter_is_refused(client: Client) -> None:
    found = violations(client.get(ORDERS, {"filter[0][key]": "status", "filter[0][value]": "x"}))
    assert found == {"filter": {"0": {"op": ["This field is missing."]}}}


def test_number_value_that_is_not_a_number_is_refused(client: Client) -> None:
    assert violations(client.get(ORDERS, filters(("customerId", "equals", "abc")))) == {
        "filter": {"0": {"value": ["This value is not valid."]}}}


