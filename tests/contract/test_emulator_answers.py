"""Contract: every answer of every v1/v2 endpoint the emulator serves is one the official spec allows,
its media type declared for its status and its body valid against the declared schema
(tests/contract/openapi.py says how strictly)."""
from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from pipelines.emulator import RunningEmulator
from pipelines.emulator.media import SUCCESS_MEDIA_TYPES, success_media_types
from tests.contract.openapi import V1, closed
from tests.emulator.conftest import IMPORT_ACCEPT, Client, filters
from tests.emulator.test_import import IMPORT, payload

MINIMAL = "application/vnd.xentral.minimal+json"
LISTS = {
    "salesOrder.list": "/api/v1/salesOrders", "product.listV2": "/api/v2/products",
    "customer.list.v2": "/api/v2/customers", "Project.list": "/api/v1/projects",
    "paymentMethod.list": "/api/v1/paymentMethods", "shippingMethod.list": "/api/v1/shippingMethods",
}
FILTERED = {  # per list: filters and sorting the spec allows, each meeting some rows
    "salesOrder.list": {**filters(("status", "in", ["released", "completed"]),
                                  ("updatedAt", "greaterThanOrEquals", "2025-01-01T00:00:00+01:00")),
                        "order[0][field]": "documentNumber", "order[0][dir]": "desc"},
    "product.listV2": {**filters(("isShippingCostsProduct", "equals", "false")), "order[0][field]": "salesPriceNet",
                       "order[0][dir]": "desc"},
    "customer.list.v2": {**filters(("customerType", "equals", "company")), "order[0][field]": "id",
                         "order[0][dir]": "desc"},
    "Project.list": {**filters(("currency", "equals", "EUR")), "order[0][field]": "name", "order[0][dir]": "asc"},
    "paymentMethod.list": {**filters(("type", "notEquals", "paypal")), "order[0][field]": "type"},
    "shippingMethod.list": {},
}
VIEWS = {"salesOrder.view": "/api/v1/salesOrders/{}", "product.viewV2": "/api/v2/products/{}",
         "customer.view.v2": "/api/v2/customers/{}"}
ADDRESSES = "customer.address.list.v2"
SERVED = (*LISTS, *VIEWS, ADDRESSES, "salesOrder.import")


def check(operation: str, response: requests.Response) -> Any:
    """Assert the answer is one the spec allows for `operation`; returns its decoded JSON body, if any."""
    problems = V1.answer_problems(operation, response.status_code, response.headers.get("Content-Type"),
                               response.content)
    assert not problems, f"{response.request.method} {response.request.url}:\n" + "\n".join(problems)
    return response.json() if response.content and "json" in response.headers["Content-Type"] else None


@pytest.fixture
def client(emulator_factory) -> Client:
    """These tests read every record, more than the default limit of 100 a minute allows."""
    return Client(emulator_factory(rate_limit=100_000))


def walk(client: Client, operation: str, path: str, params: dict[str, Any], size: int) -> list[dict]:
    """Every page of a list with `params`, each checked; returns the rows."""
    rows, number = [], 1
    while True:
        body = check(operation, client.get(path, {**params, "page[number]": number, "page[size]": size}))
        rows += body["data"]
        if len(body["data"]) < size:
            return rows
        number += 1


# ---- the policy and the emulator's declarations ----------------------------------------

def test_an_invented_field_or_a_missing_required_one_fails() -> None:
    """The check is strict where the spec leaves objects open: a field in `delivery` (an allOf
    without additionalProperties) that neither part names fails, and so does a missing position id."""
    item = {"id": "1", "delivery": {"autoShipping": True, "email": "a@b.example"}}
    body = {"data": [item], "extra": {"totalCount": 1, "page": {"number": 1, "size": 10}}}
    assert not V1.answer_problems("salesOrder.list", 200, "application/json", json.dumps(body).encode())
    item["delivery"]["shippingMethod"] = {"id": "1"}  # only the view's delivery has it
    assert V1.answer_problems("salesOrder.list", 200, "application/json", json.dumps(body).encode())
    position = {"quantity": 1, "sort": 1, "product": {"id": "2"}, "hasChildren": False, "parent": None}
    view = json.dumps({"data": {"id": "1", "positions": [position]}}).encode()
    assert any("'id' is a required property" in p for p in V1.answer_problems("salesOrder.view", 200,
                                                                         "application/json", view))


def test_the_policy_closes_listed_properties_and_merges_all_of() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "object", "properties": {"x": {}}},
                                               "free": {"type": "object"},
                                               "both": {"allOf": [{"type": "object", "properties": {"p": {}}},
                                                                  {"type": "object", "properties": {"q": {}},
                                                                   "required": ["q"]}]}}}
    strict = closed(schema)
    assert strict["additionalProperties"] is False and strict["properties"]["a"]["additionalProperties"] is False
    assert "additionalProperties" not in strict["properties"]["free"]  # lists no properties: stays open
    both = strict["properties"]["both"]
    assert "allOf" not in both and set(both["properties"]) == {"p", "q"} and both["required"] == ["q"]
    assert both["additionalProperties"] is False
    assert "additionalProperties" not in schema  # the spec's own dicts are not changed


def test_the_emulator_declares_the_success_media_types_of_the_spec() -> None:
    for operation in SERVED:
        status = "201" if operation == "salesOrder.import" else "200"
        declared = set(V1.media_types(operation, status)) - {"application/pdf"}  # no PDF rendering
        assert set(success_media_types(operation)) == declared, operation
    assert set(SUCCESS_MEDIA_TYPES) <= set(SERVED)


# ---- lists -----------------------------------------------------------------------------

@pytest.mark.parametrize("operation", LISTS)
def test_list_pages_with_and_without_filters_and_sorting(client: Client, operation: str) -> None:
    path = LISTS[operation]
    everything = walk(client, operation, path, {}, 50)
    filtered = walk(client, operation, path, FILTERED[operation], 20)
    assert everything and filtered
    check(operation, client.get(path))  # the default page
    check(operation, client.get(path, {"page[number]": 999, "page[size]": 10}))  # past the end


def test_minimal_order_list(client: Client) -> None:
    response = client.get("/api/v1/salesOrders", {"page[number]": 1, "page[size]": 50}, headers={"Accept": MINIMAL})
    assert response.headers["Content-Type"] == MINIMAL
    assert set(check("salesOrder.list", response)["data"][0]) == {"id", "documentNumber", "date", "status"}


def test_customer_cursor_pages(client: Client) -> None:
    body = check("customer.list.v2", client.get("/api/v2/customers", {"cursor[size]": 20}))
    check("customer.list.v2", client.get("/api/v2/customers", {"cursor[size]": 20,
                                                                "cursor[nextCursor]": body["extra"]["cursor"]["nextCursor"]}))
    check("customer.list.v2", client.get("/api/v2/customers", {"cursor[size]": 50}))


# ---- views -----------------------------------------------------------------------------

def test_every_order_view_in_both_representations(client: Client) -> None:
    orders = client.emulator.world.order_ids()
    for order_id in orders:
        check("salesOrder.view", client.get(f"/api/v1/salesOrders/{order_id}"))
    minimal = client.get(f"/api/v1/salesOrders/{orders[0]}", headers={"Accept": f"{MINIMAL}, application/json;q=0.5"})
    assert check("salesOrder.view", minimal)["data"]["id"] == orders[0]
    assert minimal.headers["Content-Type"] == MINIMAL


def test_product_and_customer_views(client: Client) -> None:
    world = client.emulator.world
    for product_id in world.product_ids():
        check("product.viewV2", client.get(f"/api/v2/products/{product_id}"))
        check("product.viewV2", client.get(f"/api/v2/products/{product_id}", headers={"Accept": MINIMAL}))
    for customer_id in world.customer_ids():
        check("customer.view.v2", client.get(f"/api/v2/customers/{customer_id}"))


def test_changed_created_and_imported_orders(client: Client) -> None:
    world = client.emulator.world
    changed = world.order_ids()[3]
    world.update_order(changed, status="canceled", positions=[{"product_id": "2", "quantity": 1.5}])
    created = world.create_order(customer_id="2")
    body = payload()
    body["delivery"]["shippingAddress"] = {"name": "Lager Süd", "country": "AT", "city": "Wien"}
    imported = check("salesOrder.import", client.post(IMPORT, json=body))
    assert imported is None
    imported_id = world.find_orders("SHEET-1")[0]
    for order_id in (changed, created, imported_id):
        check("salesOrder.view", client.get(f"/api/v1/salesOrders/{order_id}"))
    walk(client, "salesOrder.list", "/api/v1/salesOrders", {"order[0][field]": "id", "order[0][dir]": "desc"}, 50)


def test_views_with_shipping_costs_included_in_net_sales(emulator_factory) -> None:
    client = Client(emulator_factory(rate_limit=100_000, net_sales_shipping="included"))
    for order_id in client.emulator.world.order_ids()[:60]:
        check("salesOrder.view", client.get(f"/api/v1/salesOrders/{order_id}"))


# ---- customer addresses ----------------------------------------------------------------

def test_every_customers_addresses_page_by_page(client: Client) -> None:
    world = client.emulator.world
    for customer_id in world.customer_ids():
        path = f"/api/v2/customers/{customer_id}/addresses"
        first = check(ADDRESSES, client.get(path))
        assert first["extra"]["page"] == {"number": 1, "size": 10} and len(first["data"]) <= 10
        rows = walk(client, ADDRESSES, path, {}, 10)
        assert rows == world.customer_addresses(customer_id)
        delivery = walk(client, ADDRESSES, path, filters(("type", "equals", "deliveryaddress")), 10)
        assert delivery == [a for a in rows if a["type"] == "deliveryaddress"]
        walk(client, ADDRESSES, path, filters(("type", "in", ["masterdata", "billingaddress"])), 50)


# ---- errors ----------------------------------------------------------------------------

def every_request(emulator: RunningEmulator) -> list[tuple[str, str, str]]:
    """(operation, method, path) for one request to each served operation."""
    world = emulator.world
    requests_ = [(operation, "GET", path) for operation, path in LISTS.items()]
    requests_ += [(operation, "GET", path.format(ids[0])) for (operation, path), ids in zip(
        VIEWS.items(), (world.order_ids(), world.product_ids(), world.customer_ids()))]
    requests_.append((ADDRESSES, "GET", f"/api/v2/customers/{world.customer_ids()[0]}/addresses"))
    requests_.append(("salesOrder.import", "POST", IMPORT))
    return requests_


def send(emulator: RunningEmulator, method: str, path: str, **headers: str) -> requests.Response:
    accept = IMPORT_ACCEPT if method == "POST" else "application/json, application/problem+json"
    return requests.request(method, emulator.base_url + path, json=payload() if method == "POST" else None,
                            headers={"Accept": accept, **headers}, timeout=10)


@pytest.mark.parametrize("body", ["json", "text"])
def test_401_in_both_declared_forms(emulator_factory, body: str) -> None:
    emulator = emulator_factory(unauthorized_body=body)
    for operation, method, path in every_request(emulator):
        response = send(emulator, method, path, Authorization="Bearer wrong")
        assert response.status_code == 401
        check(operation, response)


def test_404_of_views_and_of_an_unknown_customers_addresses(client: Client) -> None:
    for operation, path in (*VIEWS.items(), (ADDRESSES, "/api/v2/customers/{}/addresses")):
        response = client.get(path.format("999999"))
        assert response.status_code == 404
        check(operation, response)


def test_406_for_an_accept_no_declared_success_type_matches(emulator_factory) -> None:
    emulator = emulator_factory()
    auth = {"Authorization": f"Bearer {emulator.token}"}
    for operation, method, path in every_request(emulator):
        for accept in ("text/csv", "application/problem+json", "application/json" if method == "POST" else "text/html"):
            response = send(emulator, method, path, Accept=accept, **auth)
            assert response.status_code == 406, (operation, accept)
            check(operation, response)
    assert send(emulator, "GET", "/api/v1/salesOrders/1", Accept="application/pdf", **auth).status_code == 406
    assert not emulator.world.find_orders("SHEET-1")  # a refused import creates nothing


def test_429_on_every_operation(emulator_factory) -> None:
    emulator = emulator_factory(rate_limit=1, rate_window_seconds=600)
    auth = {"Authorization": f"Bearer {emulator.token}"}
    send(emulator, "GET", "/api/v1/projects", **auth)
    for operation, method, path in every_request(emulator):
        response = send(emulator, method, path, **auth)
        assert response.status_code == 429 and response.headers["Retry-After"]
        check(operation, response)


@pytest.mark.parametrize("params", [
    {"page[number]": "1"}, {"page[number]": "0", "page[size]": "10"}, {"page[number]": "1", "page[size]": "51"},
    {"filter[0][key]": "nope", "filter[0][op]": "equals", "filter[0][value]": "1"},
    {"order[0][field]": "nope", "order[0][dir]": "asc"},
])
def test_400_for_invalid_list_requests(client: Client, params: dict) -> None:
    for operation, path in (*LISTS.items(), (ADDRESSES, "/api/v2/customers/1/addresses")):
        response = client.get(path, params)
        assert response.status_code == 400
        check(operation, response)
    response = client.get("/api/v2/customers/1/addresses", filters(("type", "equals", "billing")))
    assert response.status_code == 400
    check(ADDRESSES, response)


def test_import_201_400_and_403(emulator_factory) -> None:
    emulator = emulator_factory(duplicate_external_order_number="reject")
    client = Client(emulator)
    created = client.post(IMPORT, json=payload())
    assert created.status_code == 201 and created.headers["Location"]
    check("salesOrder.import", created)
    for response in (client.post(IMPORT, json=payload()),  # duplicate: the conflict problem
                     client.post(IMPORT, json=payload(positions=[])),  # validation problem
                     client.post(IMPORT, data=b"{", headers={"Content-Type": "application/json"})):  # not JSON
        assert response.status_code == 400
        check("salesOrder.import", response)
    emulator.update_settings(token_scopes=("salesOrder:read",))
    refused = client.post(IMPORT, json=payload(externalOrderNumber="SHEET-2"))
    assert refused.status_code == 403
    check("salesOrder.import", refused)
