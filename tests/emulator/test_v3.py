"""v3 sales orders (and customers): paging in three modes, the keyset cursor, filters and sorting,
line items, and the settings for what the spec leaves open."""
from __future__ import annotations

import base64
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from pipelines.emulator import server
from pipelines.emulator.clock import BERLIN
from tests.emulator.conftest import Client

ORDERS = "/api/v3/salesOrders"
CURSOR = {"x-pagination": "cursor"}
WINTER = datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)


def filters(*triples: tuple[str, str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for i, (key, op, value) in enumerate(triples):
        params.update({f"filter[{i}][key]": key, f"filter[{i}][op]": op})
        if value is not None:
            params[f"filter[{i}][value]{'[]' if isinstance(value, list) else ''}"] = value
    return params


def cursor_walk(client: Client, params: dict[str, Any], between: Any = None) -> list[dict]:
    """Every record by cursor; `between(page_number)` runs after each page (changes mid-walk)."""
    records, params, number = [], dict(params), 0
    while True:
        body = client.get(ORDERS, params, headers=CURSOR).json()
        records += body["data"]
        number += 1
        if between:
            between(number)
        if body["meta"]["nextCursor"] is None:
            return records
        params["cursor"] = body["meta"]["nextCursor"]


def ids(records: list[dict]) -> list[str]:
    return [record["id"] for record in records]


@pytest.fixture
def client(emulator_factory) -> Client:
    return Client(emulator_factory(rate_limit=100_000))


# ---- paging ----------------------------------------------------------------------------

def test_simple_paging_by_default_fifteen_a_page_in_id_order(client: Client) -> None:
    body = client.get(ORDERS).json()
    assert ids(body["data"]) == client.emulator.world.order_ids()[:15]
    assert body["meta"] == {"currentPage": 1, "from": 1, "to": 15, "perPage": 15,
                            "path": client.emulator.base_url + ORDERS}
    assert body["links"]["prev"] is None and body["links"]["last"] is None and "page=2" in body["links"]["next"]
    last = client.get(ORDERS, {"perPage": 50, "page": 4}).json()
    assert len(last["data"]) == 50 and last["links"]["next"] is None
    assert "positions" not in body["data"][0] and "lineItems" not in body["data"][0]


def test_table_paging_adds_the_total_and_the_last_page(client: Client) -> None:
    body = client.get(ORDERS, {"perPage": 30, "page": 2}, headers={"x-pagination": "table"}).json()
    assert body["meta"]["total"] == 200 and body["meta"]["lastPage"] == 7 and body["meta"]["from"] == 31
    assert body["links"]["last"].endswith("page=7")
    following = client.session.get(body["links"]["next"], headers={"x-pagination": "table"}, timeout=10).json()
    assert following["meta"]["currentPage"] == 3 and following["meta"]["perPage"] == 30


def test_per_page_up_to_a_thousand_else_refused_or_clamped(client: Client, emulator_factory) -> None:
    assert len(client.get(ORDERS, {"perPage": 1000}).json()["data"]) == 200
    refused = client.get(ORDERS, {"perPage": 1001})
    assert refused.status_code == 400
    assert refused.json()["violations"] == {"perPage": ["The perPage field must not be greater than 1000."]}
    clamped = Client(emulator_factory(orders=1200, oversize_page="clamp")).get(ORDERS, {"perPage": 5000}).json()
    assert clamped["meta"]["perPage"] == 1000 and len(clamped["data"]) == 1000


def test_cursor_walk_sees_every_order_once_in_sort_order(client: Client) -> None:
    records = cursor_walk(client, {"perPage": 37, "sort": "updatedAt,id"})
    keys = [(datetime.fromisoformat(r["updatedAt"]), int(r["id"])) for r in records]
    assert keys == sorted(keys) and len(records) == 200


def test_the_cursor_is_base64_json_of_the_last_sort_key(client: Client) -> None:
    body = client.get(ORDERS, {"perPage": 10, "sort": "-updatedAt,id"}, headers=CURSOR).json()
    token = body["meta"]["nextCursor"]
    decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    last = body["data"][-1]
    assert decoded == {"updatedAt": int(datetime.fromisoformat(last["updatedAt"]).timestamp()),
                       "id": int(last["id"]), "_pointsToNextItems": True}
    assert body["meta"]["prevCursor"] is None and body["links"]["next"].endswith(f"cursor={token}")


def test_keyset_is_stable_while_orders_change(client: Client) -> None:
    """An order updated during the walk moves behind it and is met again; none is skipped or lost."""
    world = client.emulator.world
    world.freeze_clock(WINTER)
    changed: list[str] = []

    def change(page_number: int) -> None:
        if page_number in (1, 3):
            order_id = world.order_ids()[page_number * 5]
            world.update_order(order_id, comment="geändert")
            changed.append(order_id)
        if page_number == 2:
            world.delete_order(world.order_ids()[100])

    records = cursor_walk(client, {"perPage": 40, "sort": "updatedAt,id"}, change)
    seen = ids(records)
    assert set(world.order_ids()) <= set(seen)
    assert seen[-len(changed):] == changed  # moved to the end: their updatedAt is the newest


def test_prev_cursor_walks_back(client: Client) -> None:
    first = client.get(ORDERS, {"perPage": 20}, headers=CURSOR).json()
    second = client.get(ORDERS, {"perPage": 20, "cursor": first["meta"]["nextCursor"]}, headers=CURSOR).json()
    back = client.get(ORDERS, {"perPage": 20, "cursor": second["meta"]["prevCursor"]}, headers=CURSOR).json()
    assert ids(back["data"]) == ids(first["data"]) and back["meta"]["prevCursor"] is None


@pytest.mark.parametrize("params, headers, violation", [
    ({"cursor": "eyJpZCI6MX0"}, {}, "cursor"), ({"perPage": 10, "cursor": "%%%"}, CURSOR, "cursor"),
    ({"sort": "updatedAt", "cursor": "eyJpZCI6MSwiX3BvaW50c1RvTmV4dEl0ZW1zIjp0cnVlfQ"}, CURSOR, "cursor"),
    ({}, {"x-pagination": "pages"}, "x-pagination"),
    ({"sort": "updatedAt,netSales"}, {}, "sort"), ({"include": "lineItems,positions"}, {}, "include"),
])
def test_refusals_name_the_parameter(client: Client, params: dict, headers: dict, violation: str) -> None:
    response = client.get(ORDERS, params, headers=headers)
    assert response.status_code == 400 and response.headers["Content-Type"] == "application/problem+json"
    assert list(response.json()["violations"]) == [violation]


# ---- filters and sorting ---------------------------------------------------------------

def all_orders(client: Client, params: dict[str, Any]) -> list[dict]:
    return cursor_walk(client, {"perPage": 1000, **params})


def test_filters_compare_instants_and_speak_the_v3_vocabulary(client: Client) -> None:
    world = client.emulator.world
    everything = {o["id"]: o for o in all_orders(client, {"include": "lineItems"})}
    cutoff = "2025-06-15T12:00:00+02:00"
    newer = all_orders(client, filters(("updatedAt", "greaterThanOrEquals", cutoff)))
    assert ids(newer) == [i for i in world.order_ids()
                          if datetime.fromisoformat(everything[i]["updatedAt"]) >= datetime.fromisoformat(cutoff)]
    statuses = all_orders(client, filters(("status", "in", ["draft", "cancelled"])))
    assert statuses and {o["status"] for o in statuses} == {"draft", "cancelled"}
    assert {world.order_view(o["id"])["status"] for o in statuses} == {"created", "canceled"}
    assert not all_orders(client, filters(("status", "equals", "created")))  # a v1 word means nothing here


def test_line_item_filters_match_orders_with_any_such_item(client: Client) -> None:
    everything = all_orders(client, {"include": "lineItems"})
    product = everything[0]["lineItems"][-1]["product"]["id"]
    found = all_orders(client, filters(("lineItems.product.id", "equals", product)))
    assert ids(found) == [o["id"] for o in everything
                          if any(i.get("product", {}).get("id") == product for i in o["lineItems"])]


def test_amount_address_and_null_filters(client: Client) -> None:
    everything = all_orders(client, {})
    large = all_orders(client, filters(("totals.net.amount", "greaterThan", "500")))
    assert ids(large) == [o["id"] for o in everything if Decimal(o["totals"]["net"]["amount"]) > 500]
    city = everything[3]["documentAddress"]["city"]
    there = all_orders(client, filters(("documentAddress.city", "contains", city.upper())))
    assert ids(there) == [o["id"] for o in everything if o["documentAddress"]["city"] == city]
    assert len(all_orders(client, filters(("desiredDeliveryDate", "isNull", None)))) == 200
    assert not all_orders(client, filters(("desiredDeliveryDate", "isNotNull", None)))


def test_sorting_descending_and_by_customer_number(client: Client) -> None:
    newest = client.get(ORDERS, {"sort": "-createdAt", "perPage": 1000}).json()["data"]
    assert ids(newest) == client.emulator.world.order_ids()[::-1]
    by_customer = client.get(ORDERS, {"sort": "customerNumber,-id", "perPage": 1000}).json()["data"]
    keys = [(o["customerNumber"], -int(o["id"])) for o in by_customer]
    assert keys == sorted(keys)


def test_search_looks_in_the_listed_fields(client: Client) -> None:
    everything = all_orders(client, {})
    shop = next(o for o in everything if o["externalOrderNumber"].startswith("SW"))
    found = client.get(ORDERS, {"search": shop["externalOrderNumber"].lower()}).json()["data"]
    assert ids(found) == [shop["id"]]


# ---- line items ------------------------------------------------------------------------

def test_line_items_mix_products_with_headings_totals_images_and_page_breaks(client: Client) -> None:
    orders = all_orders(client, {"include": "lineItems"})
    assert {i["type"] for o in orders for i in o["lineItems"]} == {
        "product", "heading", "subtotal", "group_total", "image", "page_break"}
    for order in orders:
        items = order["lineItems"]
        assert [i["order"] for i in items] == list(range(1, len(items) + 1))
        running = group = Decimal(0)
        for item in items:
            if item["type"] == "heading":
                group = Decimal(0)
            elif item["type"] == "subtotal":
                assert Decimal(item["amount"]["net"]["amount"]) == running
            elif item["type"] == "group_total":
                assert Decimal(item["amount"]["net"]["amount"]) == group
            elif item["type"] == "product" and not item["id"].endswith("999"):  # not a shipping cost line
                net = Decimal(item["lineItemRevenue"]["net"]["amount"])
                running, group = running + net, group + net


def test_includes_expand_what_they_name(client: Client) -> None:
    order = client.get(f"{ORDERS}/4", {"include": "lineItems.product.salesPrices,project,address,tags"}).json()["data"]
    product = next(i for i in order["lineItems"] if i["type"] == "product")["product"]
    assert product["salesPrices"][0]["price"]["currency"] == "EUR" and product["number"].startswith("AR-")
    assert set(order["project"]) == {"id", "name", "abbreviation"} and order["tags"] == []
    assert order["address"]["id"] == client.emulator.world.order_view("4")["customer"]["id"]
    plain = client.get(f"{ORDERS}/4").json()["data"]
    assert "lineItems" not in plain and set(plain["project"]) == {"id"}


# ---- settings --------------------------------------------------------------------------

def test_amounts_as_strings_numbers_or_mixed(emulator_factory) -> None:
    def amounts(**settings: Any) -> dict[str, Any]:
        data = Client(emulator_factory(orders=4, **settings)).get(ORDERS).json()["data"]
        return {o["id"]: o["totals"]["net"]["amount"] for o in data}
    as_text, as_numbers, mixed = amounts(), amounts(v3_amounts="number"), amounts(v3_amounts="mixed")
    assert all(isinstance(v, str) for v in as_text.values())
    assert all(isinstance(v, float) for v in as_numbers.values())
    assert {type(v) for v in mixed.values()} == {str, float}
    assert all(Decimal(str(mixed[i])) == Decimal(as_text[i]) == Decimal(str(as_numbers[i])) for i in as_text)


def test_unknown_status_and_address_ids(emulator_factory) -> None:
    emulator = emulator_factory(v3_unknown_status="draft", v3_address_ids="separate")
    world = emulator.world
    unknown = next(i for i in world.order_ids() if world.order_view(i)["status"] == "unknown")
    order = world.order_v3(unknown)
    assert order["status"] == "draft"
    assert order["address"]["id"] == str(int(world.order_view(unknown)["customer"]["id"]) + 900_000)


def test_without_v3_404_and_with_the_flag_off_403(emulator_factory) -> None:
    emulator = emulator_factory(v3_sales_orders="absent")
    client = Client(emulator)
    assert client.get(ORDERS).status_code == 404 and client.get(f"{ORDERS}/1").status_code == 404
    assert client.get("/api/v1/salesOrders").status_code == 200
    emulator.update_settings(v3_sales_orders="forbidden")
    assert client.get(ORDERS).status_code == 403 and client.get(f"{ORDERS}/1").status_code == 403


def test_slow_large_pages_fail_or_wait(emulator_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    emulator = emulator_factory(v3_fail_above=100, v3_latency_per_order_ms=2.0)
    client = Client(emulator)
    waits: list[float] = []
    monkeypatch.setattr(server.time, "sleep", waits.append)
    assert client.get(ORDERS, {"perPage": 101}).status_code == 504
    assert client.get(ORDERS, {"perPage": 100}).status_code == 200
    assert waits == [0.2]  # 100 orders at 2 ms each


def test_rate_limit_faults_and_statistics_apply_to_v3(emulator_factory) -> None:
    emulator = emulator_factory(rate_limit=3, rate_window_seconds=600)
    client = Client(emulator)
    emulator.fail_next("GET::api-v3-salesorders", count=1, status=503)
    assert client.get(ORDERS).status_code == 503
    assert client.get(f"{ORDERS}/1").status_code == 200
    assert client.get(ORDERS).status_code == 200
    limited = client.get(ORDERS)
    assert limited.status_code == 429 and limited.headers["Retry-After"] and limited.json()["message"]
    assert emulator.stats.snapshot()["operations"] == {"GET::api-v3-salesorders": 2, "GET::api-v3-salesorders-id": 1}


def test_offset_pages_churn_like_v1(emulator_factory) -> None:
    emulator = emulator_factory(paging_churn_rate=1.0, paging_churn_limit=1, fault_seed=3)
    before = emulator.world.order_count()
    assert Client(emulator).get(ORDERS, {"page": 3, "perPage": 20}).status_code == 200
    assert emulator.world.order_count() != before  # one order deleted or inserted before the page


# ---- v3 customers ----------------------------------------------------------------------

def test_customers_only_where_offered_and_filtered_on_updated_at(emulator_factory) -> None:
    emulator = emulator_factory(v3_customers="on")
    client = Client(emulator)
    world = emulator.world
    assert len(client.get("/api/v3/customers", {"perPage": 100}).json()["data"]) == 50
    world.freeze_clock(WINTER)
    world.update_customer("12", email="neu@kunde.example")
    changed = client.get("/api/v3/customers", filters(("updatedAt", "greaterThanOrEquals", WINTER.isoformat()))).json()
    assert [c["id"] for c in changed["data"]] == ["12"]
    assert changed["data"][0] == world.customer_v3("12")
    assert changed["data"][0]["documentDelivery"]["documentRecipients"]["invoice"]["to"] == "neu@kunde.example"
    by_default = client.get("/api/v3/customers", {"perPage": 100}).json()["data"]  # the spec's default: -createdAt
    created = [datetime.fromisoformat(c["createdAt"]) for c in by_default]
    assert created == sorted(created, reverse=True)
    emulator.update_settings(v3_customers="off")
    assert client.get("/api/v3/customers").status_code == 404
