"""The World API (time moves, data changes) and its HTTP admin twin under /_emulator/."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import requests

from pipelines.emulator.clock import BERLIN
from tests.emulator.conftest import Client, fetch_all, filters

WINTER = datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)


def test_clock_follows_wall_time_and_can_jump_advance_and_freeze(emulator) -> None:
    world = emulator.world
    assert abs((world.now() - datetime.now(BERLIN)).total_seconds()) < 2
    world.set_clock(WINTER)
    assert abs((world.now() - WINTER).total_seconds()) < 2 and world.now().utcoffset() == timedelta(hours=1)
    world.advance_clock(3600 * 24 * 200)
    assert world.now().utcoffset() == timedelta(hours=2)
    world.freeze_clock(WINTER)
    assert world.now() == WINTER
    world.advance_clock(90)
    assert world.now() == WINTER + timedelta(seconds=90)


def test_update_order_stamps_updated_at_and_an_incremental_filter_sees_it(client: Client) -> None:
    world = client.emulator.world
    world.freeze_clock(WINTER)
    order = world.order_ids()[5]
    old = world.order_view(order)
    world.update_order(order, status="completed", comment="geändert")
    new = world.order_view(order)
    assert datetime.fromisoformat(new["updatedAt"]) == WINTER and new["createdAt"] == old["createdAt"]
    assert (new["status"], new["comment"]) == ("completed", "geändert")
    changed = fetch_all(client, "/api/v1/salesOrders", filters(("updatedAt", "greaterThanOrEquals", WINTER.isoformat())))
    assert [o["id"] for o in changed] == [order]
    assert changed[0] == world.order_list_item(order)


def test_position_quantity_change_recomputes_totals(emulator) -> None:
    world = emulator.world
    order = world.order_ids()[0]
    position = world.order_view(order)["positions"][0]
    world.update_order(order, position_quantities={position["id"]: position["quantity"] + 2})
    view = world.order_view(order)
    assert view["positions"][0]["quantity"] == position["quantity"] + 2
    net = sum(Decimal(p["netRevenueTotal"]["amount"]) for p in view["positions"])
    assert Decimal(view["netSales"]["amount"]) == net
    assert world.order_list_item(order)["netSales"] == float(net)


def test_create_cancel_delete_order(client: Client) -> None:
    world = client.emulator.world
    world.freeze_clock(WINTER)
    new = world.create_order(customer_id="7", positions=[{"product_id": "3", "quantity": 4}],
                             external_order_number="WEB-9")
    view = world.order_view(new)
    assert (view["status"], view["customer"]["id"], view["externalOrderNumber"]) == ("created", "7", "WEB-9")
    assert datetime.fromisoformat(view["createdAt"]) == WINTER and view["positions"][0]["quantity"] == 4
    world.cancel_order(new)
    assert client.get(f"/api/v1/salesOrders/{new}").json()["data"]["status"] == "canceled"
    world.delete_order(new)
    assert client.get(f"/api/v1/salesOrders/{new}").status_code == 404
    assert new not in world.order_ids()


def test_customer_and_product_changes(client: Client) -> None:
    world = client.emulator.world
    world.freeze_clock(WINTER)
    old_email = world.customer_list_item("4")["contactDetails"]["email"]
    their_orders = [o["id"] for o in fetch_all(client, "/api/v1/salesOrders", filters(("email", "equals", old_email)))]
    assert their_orders
    world.update_customer("4", name="Müller & Töchter GmbH", email="kontakt@mueller.example")
    listed = client.get("/api/v2/customers", filters(("id", "equals", "4"))).json()["data"][0]
    assert listed["name"] == "Müller & Töchter GmbH" and listed["contactDetails"]["email"] == "kontakt@mueller.example"
    assert datetime.fromisoformat(world.customer_view("4")["updatedAt"]) == WINTER
    by_email = fetch_all(client, "/api/v1/salesOrders", filters(("email", "equals", "kontakt@mueller.example")))
    assert [o["id"] for o in by_email] == their_orders
    product = world.create_product(name="Spätzlehobel", sales_price_net="12.50", tax_rate=19)
    item = world.product_list_item(product)
    assert item["salesPriceNet"] == {"amount": "12.50", "currency": "EUR"}
    assert item["salesPriceGross"] == {"amount": "14.88", "currency": "EUR"}
    world.update_product(product, sales_price_net="13.00")
    assert world.product_list_item(product)["updatedAt"] == WINTER.isoformat()
    world.delete_product(product)
    assert client.get(f"/api/v2/products/{product}").status_code == 404
    customer = world.create_customer(name="Jörg Weiß", customer_type="person")
    assert client.get(f"/api/v2/customers/{customer}").json()["data"]["createdAt"] == WINTER.isoformat()
    assert world.customer_addresses(customer)


def test_admin_requires_the_token(emulator) -> None:
    assert requests.get(emulator.base_url + "/_emulator/stats", timeout=5).status_code == 401


def test_admin_clock_orders_and_stats(client: Client) -> None:
    world = client.emulator.world
    assert client.post("/_emulator/clock", json={"set": "2026-12-01T10:00:00+01:00"}).json()["now"].startswith(
        "2026-12-01T10:00")
    client.post("/_emulator/clock", json={"advance": 3600})
    assert world.now().hour == 11
    client.post("/_emulator/clock", json={"freeze": "2026-12-24T18:00:00+01:00"})
    assert world.now() == datetime(2026, 12, 24, 18, 0, tzinfo=BERLIN)
    client.post("/_emulator/clock", json={"unfreeze": True})
    created = client.post("/_emulator/orders", json={"customer_id": "5", "status": "released"})
    assert created.status_code == 201
    order = created.json()["id"]
    assert client.request("PATCH", f"/_emulator/orders/{order}", json={"comment": "per Admin"}).status_code == 200
    assert world.order_view(order)["comment"] == "per Admin"
    client.post(f"/_emulator/orders/{order}/cancel")
    assert world.order_view(order)["status"] == "canceled"
    assert client.request("DELETE", f"/_emulator/orders/{order}").status_code == 200
    assert client.request("DELETE", f"/_emulator/orders/{order}").status_code == 404
    assert client.request("PATCH", "/_emulator/orders/1", json={"colour": "red"}).status_code == 400
    product = client.post("/_emulator/products", json={"name": "Brezel"}).json()["id"]
    assert world.product_list_item(product)["name"] == "Brezel"
    customer = client.post("/_emulator/customers", json={"name": "Bäckerei Fuß"}).json()["id"]
    client.request("PATCH", f"/_emulator/customers/{customer}", json={"email": "a@b.example"})
    assert world.customer_list_item(customer)["contactDetails"]["email"] == "a@b.example"
    client.get("/api/v1/projects")
    stats = client.get("/_emulator/stats").json()
    assert stats["operations"] == {"Project.list": 1} and stats["recent"] == ["GET /api/v1/projects -> 200"]
    assert client.post("/_emulator/stats/reset").json()["total"] == 0


def test_admin_settings(client: Client) -> None:
    changed = client.request("PATCH", "/_emulator/settings", json={"error_rate": 1.0, "fail_operations": ["Project.list"]})
    assert changed.json()["error_rate"] == 1.0
    assert client.get("/api/v1/projects").status_code >= 500
    assert client.get("/api/v2/products").status_code == 200
    assert client.request("PATCH", "/_emulator/settings", json={"orders": 5}).status_code == 400
    assert client.request("PATCH", "/_emulator/settings", json={"nope": 1}).status_code == 400
    assert client.request("PATCH", "/_emulator/settings", json={"oversize_page": "maybe"}).status_code == 400
    assert client.post("/_emulator/fail-next", json={"operation": "product.listV2", "count": 1}).status_code == 200
    assert client.get("/api/v2/products").status_code == 500


def test_stats_count_per_operation(client: Client) -> None:
    client.get("/api/v1/salesOrders")
    client.get("/api/v1/salesOrders/1")
    client.get("/api/v2/customers/1/addresses")
    requests.get(client.emulator.base_url + "/api/v2/products", timeout=5)  # 401
    stats = client.emulator.stats
    snapshot = stats.snapshot()
    assert snapshot["operations"] == {"salesOrder.list": 1, "salesOrder.view": 1, "customer.address.list.v2": 1}
    assert snapshot["unauthorized"] == 1 and stats.total() == 3 and stats.count("salesOrder.view") == 1
    assert all("Authorization" not in line and "emulator-token" not in line for line in snapshot["recent"])
    stats.reset()
    assert stats.total() == 0


def test_addresses_given_without_ids_or_optional_fields_are_completed(emulator) -> None:
    world = emulator.world
    main = world.customer_addresses("3")[0]
    world.update_customer("3", addresses=[
        {"type": "deliveryaddress", "name": "Lager Nord", "street": "Kai 1", "zip": "20095", "city": "Hamburg"},
        {"type": "billingaddress", "name": "Buchhaltung", "country": "AT"},
        {"type": "deliveryaddress", "id": "301", "name": "Lager Süd"},
    ])
    addresses = world.customer_addresses("3")
    assert [a["id"] for a in addresses] == ["masterdata", "billingaddress", "302", "301"]
    assert addresses[0] == main  # no masterdata given: the main address stays
    assert addresses[2] == {"id": "302", "type": "deliveryaddress", "name": "Lager Nord", "street": "Kai 1",
                            "addressSupplement": None, "department": None, "subDepartment": None, "zip": "20095",
                            "city": "Hamburg", "country": "DE", "state": ""}
    served = Client(emulator).get("/api/v2/customers/3/addresses").json()["data"]
    assert served == addresses


@pytest.mark.parametrize("addresses, message", [
    ([{"type": "shipping"}], r"addresses\[0\]\.type must be one of masterdata, billingaddress, deliveryaddress"),
    ([{"type": "deliveryaddress", "isPrimary": True}], r"addresses\[0\]: unknown field\(s\) isPrimary"),
    ([{"type": "masterdata"}, {"type": "masterdata"}], "id masterdata is given twice"),
    ([{"type": "billingaddress", "id": "7"}], "id of a billingaddress address is 'billingaddress'"),
    ([{"type": "deliveryaddress", "id": "D-1"}], "must be digits"),
    ([{"type": "deliveryaddress", "country": "Deutschland"}], "ISO 3166-1 alpha-2"),
    ([{"type": "deliveryaddress", "zip": 20095}], r"addresses\[0\]\.zip must be text"),
    ("Hauptstraße 1", "a list of address objects"),
])
def test_bad_addresses_are_refused_and_change_nothing(emulator, addresses, message: str) -> None:
    world = emulator.world
    before = world.customer_addresses("3")
    with pytest.raises(ValueError, match=message):
        world.update_customer("3", addresses=addresses)
    assert world.customer_addresses("3") == before
    answer = Client(emulator).request("PATCH", "/_emulator/customers/3", json={"addresses": addresses})
    assert answer.status_code == 400 and "addresses" in answer.json()["message"]
