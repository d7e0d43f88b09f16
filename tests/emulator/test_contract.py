"""Contract: every answer validates against the official response schemas
(tests/fixtures/xentral_schemas.json, copied from the spec), invalid requests are refused."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests

from pipelines.order_import.schema import json_schema_of as to_json_schema
from tests.emulator.conftest import Client, fetch_all, violations
from tests.emulator.test_import import IMPORT, payload

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "xentral_schemas.json"


@cache
def validator(name: str, section: str = "responses") -> jsonschema.Draft7Validator:
    document = json.loads(SCHEMAS.read_text(encoding="utf-8"))
    schema = document[section][name] if section == "responses" else document[section]
    return jsonschema.Draft7Validator(to_json_schema(schema))


def check(name: str, body: Any, section: str = "responses") -> None:
    errors = sorted(validator(name, section).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.fixture
def client(emulator_factory) -> Client:
    """These tests read every record, more than the default limit of 100 a minute allows."""
    return Client(emulator_factory(rate_limit=100_000))


def test_the_converter_makes_nullable_fields_accept_null() -> None:
    schema = to_json_schema({"type": "object", "properties": {
        "a": {"type": "string", "nullable": True}, "b": {"type": "string", "enum": ["x"], "nullable": True},
        "c": {"type": "string"}}})
    jsonschema.validate({"a": None, "b": None}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"c": None}, schema)


LISTS = {"/api/v1/salesOrders": "salesOrder.list", "/api/v2/products": "product.listV2",
         "/api/v2/customers": "customer.list.v2", "/api/v1/projects": "Project.list",
         "/api/v1/paymentMethods": "paymentMethod.list", "/api/v1/shippingMethods": "shippingMethod.list"}


@pytest.mark.parametrize("path, operation", LISTS.items())
def test_list_pages_match_the_schema(client: Client, path: str, operation: str) -> None:
    number = 1
    while True:
        body = client.get(path, {"page[number]": number, "page[size]": 50}).json()
        check(operation, body)
        if len(body["data"]) < 50:
            break
        number += 1
    check(operation, client.get(path).json())  # default page


def test_customer_cursor_pages_match_the_schema(client: Client) -> None:
    body = client.get("/api/v2/customers", {"cursor[size]": 20}).json()
    check("customer.list.v2", body)
    last = client.get("/api/v2/customers", {"cursor[size]": 50}).json()
    check("customer.list.v2", last)


def test_every_order_view_matches_the_schema(client: Client) -> None:
    for order_id in client.emulator.world.order_ids():
        check("salesOrder.view", client.get(f"/api/v1/salesOrders/{order_id}").json())


def test_changed_and_imported_orders_match_the_schemas(client: Client) -> None:
    world = client.emulator.world
    changed = world.order_ids()[3]
    world.update_order(changed, status="canceled", positions=[{"product_id": "2", "quantity": 1.5}])
    created = world.create_order(customer_id="2")
    body = payload()
    body["delivery"]["shippingAddress"] = {"name": "Lager Süd", "country": "AT", "city": "Wien"}
    imported = client.post(IMPORT, json=body).headers["Location"].rsplit("/", 1)[1]
    for order_id in (changed, created, imported):
        check("salesOrder.view", client.get(f"/api/v1/salesOrders/{order_id}").json())
    listed = fetch_all(client, "/api/v1/salesOrders", {"order[0][field]": "id", "order[0][dir]": "desc"})
    check("salesOrder.list", {"data": listed[:50], "extra": {"totalCount": len(listed), "page": {"number": 1, "size": 50}}})


def test_product_and_customer_views_match_the_schemas(client: Client) -> None:
    world = client.emulator.world
    for product_id in world.product_ids():
        check("product.viewV2", client.get(f"/api/v2/products/{product_id}").json())
    for customer_id in world.customer_ids():
        check("customer.view.v2", client.get(f"/api/v2/customers/{customer_id}").json())


ADDRESS_SCHEMA = {  # our assumption: the endpoint is not in the official spec
    "type": "object", "required": ["data"], "additionalProperties": False,
    "properties": {"data": {"type": "array", "items": {
        "type": "object", "required": ["id", "type", "name", "street", "zipCode", "city", "country", "isPrimary"],
        "properties": {"id": {"type": "string", "pattern": r"^\d+$"}, "type": {"enum": ["billing", "shipping"]},
                       "country": {"type": "string", "pattern": "^[A-Z]{2}$"}, "isPrimary": {"type": "boolean"}}}}},
}


def test_addresses_match_the_documented_assumption(client: Client) -> None:
    for customer_id in client.emulator.world.customer_ids():
        jsonschema.validate(client.get(f"/api/v2/customers/{customer_id}/addresses").json(), ADDRESS_SCHEMA)


@pytest.mark.parametrize("params", [
    {"page[number]": "1"}, {"page[number]": "0", "page[size]": "10"}, {"page[number]": "1", "page[size]": "51"},
    {"filter[0][key]": "nope", "filter[0][op]": "equals", "filter[0][value]": "1"},
    {"filter[0][key]": "status", "filter[0][op]": "nope", "filter[0][value]": "1"},
    {"order[0][field]": "nope", "order[0][dir]": "asc"},
])
def test_invalid_requests_are_refused_with_a_problem_body(client: Client, params: dict) -> None:
    for path in ("/api/v1/salesOrders", "/api/v2/products"):
        response = client.get(path, params)
        assert violations(response)
        check("problem", response.json(), section="problem")


def test_import_problems_match_the_problem_schema(emulator_factory) -> None:
    client = Client(emulator_factory(duplicate_external_order_number="reject"))
    check("problem", client.post(IMPORT, json=payload(positions=[])).json(), section="problem")
    client.post(IMPORT, json=payload())
    check("problem", client.post(IMPORT, json=payload()).json(), section="problem")


def test_401_matches_the_schema(emulator) -> None:
    check("unauthorized", requests.get(emulator.base_url + "/api/v2/products", timeout=5).json(),
          section="unauthorized")
