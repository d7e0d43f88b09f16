"""Contract: every v3 answer the emulator gives is one the v3 spec (`documents-api-v3.json`) allows,
its media type declared for its status and its body valid against the declared schema
(tests/contract/openapi.py says how strictly); and what the emulator accepts is what the spec lists."""
from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from pipelines.emulator.media import success_media_types
from pipelines.emulator.resources_v3 import CUSTOMERS_V3, SALES_ORDER_VIEW_INCLUDES, SALES_ORDERS_V3, V3ListSpec
from tests.contract.openapi import V3
from tests.emulator.conftest import Client

ORDERS = "/api/v3/salesOrders"
CUSTOMERS = "/api/v3/customers"
LIST = SALES_ORDERS_V3.operation
VIEW = "GET::api-v3-salesorders-id"
CUSTOMER_LIST = CUSTOMERS_V3.operation
MODES = ("simple", "table", "cursor")


def check(operation: str, response: requests.Response) -> Any:
    """Assert the answer is one the v3 spec allows for `operation`; returns its decoded JSON body, if any."""
    problems = V3.answer_problems(operation, response.status_code, response.headers.get("Content-Type"),
                                  response.content)
    assert not problems, f"{response.request.method} {response.request.url}:\n" + "\n".join(problems)
    return response.json() if response.content else None


def walk(client: Client, operation: str, path: str, params: dict[str, Any], mode: str) -> list[dict]:
    """Every page of a v3 list in a pagination mode, each checked; returns the records."""
    records: list[dict] = []
    params = dict(params)
    while True:
        body = check(operation, client.get(path, params, headers={"x-pagination": mode}))
        records += body["data"]
        if mode == "cursor":
            if body["meta"]["nextCursor"] is None:
                return records
            params["cursor"] = body["meta"]["nextCursor"]
        else:
            if body["links"]["next"] is None:
                return records
            params["page"] = body["meta"]["currentPage"] + 1


SMALL = 80  # orders: every kind of line item occurs, and validating every answer stays quick


@pytest.fixture
def client(emulator_factory) -> Client:
    return Client(emulator_factory(orders=SMALL, rate_limit=100_000, v3_customers="on"))


# ---- what the emulator accepts is what the spec lists ---------------------------------

def _spec_operators(operation: str) -> dict[str, tuple[str, ...]]:
    """Filter key -> operators, from the spec's description of the filter parameter."""
    description = V3.parameter(operation, "filter")["description"]
    return {key: tuple(re.findall(r"\*(\w+)\*", ops))
            for key, ops in re.findall(r"`([^`]+)`: ((?:\*\w+\*(?:, )?)+)", description)}


@pytest.mark.parametrize("spec", [SALES_ORDERS_V3, CUSTOMERS_V3], ids=["salesOrders", "customers"])
def test_filter_keys_operators_sorting_includes_and_page_size_are_the_specs(spec: V3ListSpec) -> None:
    operators = _spec_operators(spec.operation)
    assert {key: ops for key, (_, ops) in spec.keys.items()} == operators
    assert set(V3.parameter(spec.operation, "filter")["schema"]["items"]["properties"]["key"]["enum"]) == set(spec.keys)
    sort_enum = V3.parameter(spec.operation, "sort")["schema"]["items"]["enum"]
    assert set(sort_enum) == {*spec.sort_fields, *(f"-{field}" for field in spec.sort_fields)}
    assert tuple(V3.parameter(spec.operation, "include")["schema"]["items"]["enum"]) == spec.includes
    assert f"Max: {spec.max_per_page}" in V3.parameter(spec.operation, "perPage")["description"]
    if spec.search_keys:
        searched = V3.parameter(spec.operation, "search")["description"]
        assert all(re.search(rf"\b{re.escape(key)}\b", searched) for key in spec.search_keys)


def test_view_includes_and_media_types_are_the_specs() -> None:
    assert tuple(V3.parameter(VIEW, "include")["schema"]["items"]["enum"]) == SALES_ORDER_VIEW_INCLUDES
    for operation in (LIST, VIEW, CUSTOMER_LIST):
        declared = set(V3.media_types(operation, 200)) - {"application/pdf"}  # no PDF rendering
        assert set(success_media_types(operation)) == declared


# ---- answers ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_order_lists_in_every_pagination_mode(client: Client, mode: str) -> None:
    plain = walk(client, LIST, ORDERS, {"perPage": 30}, mode)
    everything = walk(client, LIST, ORDERS, {"perPage": 50, "include": ",".join(SALES_ORDERS_V3.includes),
                                            "sort": "updatedAt,id"}, mode)
    assert len(plain) == len(everything) == client.emulator.world.order_count()
    check(LIST, client.get(ORDERS, headers={"x-pagination": mode}))  # the default page


def test_filtered_sorted_searched_and_past_the_end(client: Client) -> None:
    params = {"filter[0][key]": "updatedAt", "filter[0][op]": "greaterThanOrEquals",
              "filter[0][value]": "2025-01-01T00:00:00+01:00", "filter[1][key]": "status", "filter[1][op]": "in",
              "filter[1][value][]": ["draft", "cancelled"], "sort": "-updatedAt", "perPage": 25,
              "include": "lineItems"}
    assert walk(client, LIST, ORDERS, params, "table")
    assert walk(client, LIST, ORDERS, {"search": "SW1", "perPage": 10}, "simple")
    body = check(LIST, client.get(ORDERS, {"page": 999}, headers={"x-pagination": "table"}))
    assert body["data"] == [] and body["meta"]["from"] is None


def test_every_order_view_with_every_include(client: Client) -> None:
    includes = ",".join(SALES_ORDER_VIEW_INCLUDES)
    for order_id in client.emulator.world.order_ids():
        check(VIEW, client.get(f"{ORDERS}/{order_id}", {"include": includes}))
    check(VIEW, client.get(f"{ORDERS}/{order_id}"))


@pytest.mark.parametrize("settings", [{"v3_amounts": "number"}, {"v3_amounts": "mixed"},
                                      {"v3_address_ids": "separate", "v3_unknown_status": "draft"},
                                      {"net_sales_shipping": "included", "discount_mode": "percent"}])
def test_variants_of_the_unconfirmed(emulator_factory, settings: dict) -> None:
    client = Client(emulator_factory(orders=SMALL, rate_limit=100_000, **settings))
    walk(client, LIST, ORDERS, {"perPage": 100, "include": "lineItems"}, "simple")


def test_changed_created_and_imported_orders(client: Client) -> None:
    world = client.emulator.world
    world.update_order(world.order_ids()[3], status="canceled", positions=[{"product_id": "2", "quantity": 1.5}])
    created = world.create_order(customer_id="2", billing_address={"name": "Lager Süd", "country": "AT"})
    check(VIEW, client.get(f"{ORDERS}/{created}", {"include": "lineItems"}))
    walk(client, LIST, ORDERS, {"perPage": 100, "include": "lineItems", "sort": "-id"}, "cursor")


def test_customers_in_every_mode_with_every_include(client: Client) -> None:
    for mode in MODES:
        walk(client, CUSTOMER_LIST, CUSTOMERS, {"perPage": 20, "include": ",".join(CUSTOMERS_V3.includes)}, mode)
    params = {"filter[0][key]": "updatedAt", "filter[0][op]": "greaterThan", "filter[0][value]": "2025-06-01",
              "sort": "updatedAt,id"}
    assert walk(client, CUSTOMER_LIST, CUSTOMERS, params, "cursor")


# ---- errors ----------------------------------------------------------------------------

@pytest.mark.parametrize("params, headers", [
    ({"include": "lineItems,positions"}, {}), ({"perPage": 1001}, {}), ({"perPage": 0}, {}),
    ({"filter[0][key]": "total", "filter[0][op]": "equals", "filter[0][value]": "1"}, {}),
    ({"filter[0][key]": "status", "filter[0][op]": "greaterThan", "filter[0][value]": "draft"}, {}),
    ({"filter[0][key]": "updatedAt", "filter[0][op]": "equals", "filter[0][value]": "yesterday"}, {}),
    ({"sort": "netSales"}, {}), ({}, {"x-pagination": "offset"}), ({"cursor": "abc"}, {}),
    ({"cursor": "bm90IGpzb24"}, {"x-pagination": "cursor"}),
])
def test_400_for_invalid_list_requests(client: Client, params: dict, headers: dict) -> None:
    response = client.get(ORDERS, params, headers=headers)
    assert response.status_code == 400
    assert check(LIST, response)["violations"]


def test_400_404_of_views(client: Client) -> None:
    assert client.get(f"{ORDERS}/1", {"include": "positions"}).status_code == 400
    check(VIEW, client.get(f"{ORDERS}/1", {"include": "positions"}))
    assert client.get(f"{ORDERS}/999999").status_code == 404
    check(VIEW, client.get(f"{ORDERS}/999999"))


def test_401_403_404_429(emulator_factory) -> None:
    emulator = emulator_factory(rate_limit=4, rate_window_seconds=600, v3_customers="on")
    wrong = requests.get(emulator.base_url + ORDERS, headers={"Authorization": "Bearer wrong"}, timeout=10)
    assert wrong.status_code == 401
    check(LIST, wrong)
    client = Client(emulator)
    emulator.update_settings(v3_sales_orders="forbidden")
    for operation, path in ((LIST, ORDERS), (VIEW, f"{ORDERS}/1")):
        forbidden = client.get(path)
        assert forbidden.status_code == 403
        check(operation, forbidden)
    emulator.update_settings(v3_sales_orders="absent")
    assert client.get(ORDERS).status_code == 404
    limited = client.get(CUSTOMERS)
    assert limited.status_code == 429 and limited.json() == {"message": "Too Many Requests"}
    check(CUSTOMER_LIST, limited)


def test_403_for_a_token_without_the_scope(emulator_factory) -> None:
    client = Client(emulator_factory(token_scopes=("customer:read",), v3_customers="on"))
    refused = client.get(ORDERS)
    assert refused.status_code == 403
    check(LIST, refused)
    assert client.get(CUSTOMERS).status_code == 200
