"""POST /api/v1/salesOrders/actions/import: validation, creation, Location, duplicates."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from pipelines.emulator.clock import BERLIN
from tests.emulator.conftest import Client, violations

IMPORT = "/api/v1/salesOrders/actions/import"


def payload(**changes) -> dict:
    body = {
        "date": "2026-11-20", "externalOrderNumber": "SHEET-1", "externalOrderId": "row-7",
        "customerOrderNumber": "PO-77", "comment": "Bitte klingeln",
        "customer": {"id": "3"}, "project": {"id": "1"},
        "financials": {"paymentMethod": {"id": "1"}, "currency": "EUR",
                       "billingAddress": {"name": "Jörg Weiß", "street": "Schloßallee 1", "zipCode": "10115",
                                          "city": "Berlin", "country": "DE"}},
        "delivery": {"shippingMethod": {"id": "2"}},
        "positions": [{"product": {"id": "4"}, "quantity": 2},
                      {"product": {"id": "5"}, "quantity": 3, "price": {"amount": "10.00", "currency": "EUR"},
                       "discount": 0.1}],
    }
    body.update(changes)
    return body


def test_success_creates_a_released_order_with_computed_totals(client: Client) -> None:
    world = client.emulator.world
    world.freeze_clock(datetime(2026, 11, 20, 9, 30, tzinfo=BERLIN))
    response = client.post(IMPORT, json=payload())
    assert response.status_code == 201
    assert response.text == ""
    location = response.headers["Location"]
    assert location.startswith(client.emulator.base_url + "/api/v1/salesOrders/")
    view = client.session.get(location, timeout=5).json()["data"]
    assert view == world.order_view(location.rsplit("/", 1)[1])
    assert view["status"] == "released"
    assert {datetime.fromisoformat(view["createdAt"]), datetime.fromisoformat(view["updatedAt"])} == {
        datetime(2026, 11, 20, 9, 30, tzinfo=BERLIN)}
    assert (view["externalOrderNumber"], view["externalOrderId"], view["customerOrderNumber"], view["comment"]) == (
        "SHEET-1", "row-7", "PO-77", "Bitte klingeln")
    assert view["financials"]["billingAddress"]["name"] == "Jörg Weiß"
    master = Decimal(world.product_list_item("4")["salesPriceNet"]["amount"])
    first, second = view["positions"]
    assert Decimal(first["price"]["amount"]) == master
    assert Decimal(first["netRevenueTotal"]["amount"]) == master * 2
    assert Decimal(second["netRevenueTotal"]["amount"]) == Decimal("27.00")  # 3 x 10.00 less 10 %
    net = sum(Decimal(p["netRevenueTotal"]["amount"]) for p in view["positions"])
    gross = sum(Decimal(p["grossRevenueTotal"]["amount"]) for p in view["positions"])
    assert Decimal(view["netSales"]["amount"]) == net
    assert Decimal(view["total"]["amount"]) == gross > net
    orders = client.get("/api/v1/salesOrders", {"filter[0][key]": "externalOrderNumber",
                                                "filter[0][op]": "equals", "filter[0][value]": "SHEET-1"}).json()
    assert [o["id"] for o in orders["data"]] == [view["id"]]
    assert orders["data"][0]["netSales"] == float(net)


def test_new_orders_get_the_next_document_number(client: Client) -> None:
    last = max(int(client.emulator.world.order_list_item(i)["documentNumber"])
               for i in client.emulator.world.order_ids())
    location = client.post(IMPORT, json=payload()).headers["Location"]
    assert client.session.get(location).json()["data"]["documentNumber"] == str(last + 1)


def test_relative_location_variant(emulator_factory) -> None:
    client = Client(emulator_factory(location_form="relative"))
    location = client.post(IMPORT, json=payload()).headers["Location"]
    assert location.startswith("/api/v1/salesOrders/")
    assert client.get(location).status_code == 200


@pytest.mark.parametrize("path, expected", [
    (("date",), {"date": ["This field is missing."]}),
    (("customer", "id"), {"customer": {"id": ["This field is missing."]}}),
    (("project", "id"), {"project": {"id": ["This field is missing."]}}),
    (("financials", "paymentMethod", "id"), {"financials": {"paymentMethod": {"id": ["This field is missing."]}}}),
    (("financials", "currency"), {"financials": {"currency": ["This field is missing."]}}),
    (("delivery", "shippingMethod", "id"), {"delivery": {"shippingMethod": {"id": ["This field is missing."]}}}),
    (("positions", 0, "product", "id"), {"positions": {"0": {"product": {"id": ["This field is missing."]}}}}),
    (("positions", 1, "quantity"), {"positions": {"1": {"quantity": ["This field is missing."]}}}),
])
def test_each_required_field(client: Client, path: tuple, expected: dict) -> None:
    body = payload()
    node = body
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    assert violations(client.post(IMPORT, json=body)) == expected


@pytest.mark.parametrize("change, expected", [
    ({"customer": {"id": "999"}}, {"customer": {"id": ["Customer 999 does not exist."]}}),
    ({"project": {"id": "77"}}, {"project": {"id": ["Project 77 does not exist."]}}),
    ({"positions": [{"product": {"id": "4"}, "quantity": 1}, {"product": {"id": "999"}, "quantity": 1}]},
     {"positions": {"1": {"product": {"id": ["Product 999 does not exist."]}}}}),
    ({"positions": []}, {"positions": ["This collection should contain 1 element or more."]}),
    ({"positions": [{"product": {"id": "4"}, "quantity": 0}]},
     {"positions": {"0": {"quantity": ["This value should be a number greater than 0."]}}}),
    ({"positions": [{"product": {"id": "4"}, "quantity": "2"}]},
     {"positions": {"0": {"quantity": ["This value should be a number greater than 0."]}}}),
    ({"date": "20.11.2026"}, {"date": ["This value is not a valid date."]}),
])
def test_invalid_values_and_unknown_references(client: Client, change: dict, expected: dict) -> None:
    assert violations(client.post(IMPORT, json=payload(**change))) == expected


def test_references_of_the_lists_are_checked(client: Client) -> None:
    body = payload()
    body["financials"]["paymentMethod"]["id"] = "55"
    body["delivery"]["shippingMethod"]["id"] = "66"
    assert violations(client.post(IMPORT, json=body)) == {
        "financials": {"paymentMethod": {"id": ["Payment method 55 does not exist."]}},
        "delivery": {"shippingMethod": {"id": ["Shipping method 66 does not exist."]}}}


def test_addresses_need_name_and_country(client: Client) -> None:
    body = payload()
    del body["financials"]["billingAddress"]["country"]
    body["delivery"]["shippingAddress"] = {"street": "Hauptstraße 1"}
    assert violations(client.post(IMPORT, json=body)) == {
        "financials": {"billingAddress": {"country": ["This value should not be blank."]}},
        "delivery": {"shippingAddress": {"name": ["This value should not be blank."],
                                         "country": ["This value should not be blank."]}}}


def test_a_refused_import_creates_nothing(client: Client) -> None:
    before = client.emulator.world.order_count()
    client.post(IMPORT, json=payload(customer={"id": "999"}))
    client.post(IMPORT, data=b"{not json", headers={"Content-Type": "application/json"})
    assert client.emulator.world.order_count() == before


def test_invalid_json_is_400(client: Client) -> None:
    response = client.post(IMPORT, data=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["type"] == "https://api.xentral.biz/problems/generic-validation"


def test_duplicate_external_order_number_is_accepted_by_default(client: Client) -> None:
    assert client.post(IMPORT, json=payload()).status_code == 201
    assert client.post(IMPORT, json=payload()).status_code == 201
    assert len(client.emulator.world.find_orders("SHEET-1")) == 2


def test_duplicate_external_order_number_rejected_when_configured(emulator_factory) -> None:
    client = Client(emulator_factory(duplicate_external_order_number="reject"))
    assert client.post(IMPORT, json=payload()).status_code == 201
    second = client.post(IMPORT, json=payload())
    assert second.status_code == 400
    body = second.json()
    assert body["type"] == "https://api.xentral.biz/problems/conflict"
    assert "SHEET-1" in body["messages"][0]
    assert len(client.emulator.world.find_orders("SHEET-1")) == 1


def test_discount_in_percent_mode(emulator_factory) -> None:
    client = Client(emulator_factory(discount_mode="percent"))
    body = payload(positions=[{"product": {"id": "5"}, "quantity": 1, "price": {"amount": "20.00"}, "discount": 10}])
    view = client.session.get(client.post(IMPORT, json=body).headers["Location"]).json()["data"]
    assert view["positions"][0]["netRevenueTotal"]["amount"] == "18.00"
    assert view["positions"][0]["discount"] == 10


def test_fraction_mode_refuses_a_percent_discount(client: Client) -> None:
    body = payload(positions=[{"product": {"id": "5"}, "quantity": 1, "discount": 10}])
    assert violations(client.post(IMPORT, json=body)) == {
        "positions": {"0": {"discount": ["This value should be between 0 and 1."]}}}


def test_import_in_another_currency_converts_the_master_price(client: Client) -> None:
    body = payload(positions=[{"product": {"id": "4"}, "quantity": 1}])
    body["financials"]["currency"] = "CHF"
    view = client.session.get(client.post(IMPORT, json=body).headers["Location"]).json()["data"]
    assert view["total"]["currency"] == "CHF" and view["positions"][0]["price"]["currency"] == "CHF"
