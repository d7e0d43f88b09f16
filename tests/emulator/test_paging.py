"""Paging as documented: both parameters together, default 10, maximum 50, past the end empty."""
from __future__ import annotations

import pytest

from tests.emulator.conftest import Client, violations


def test_default_page_is_number_one_of_size_ten(client: Client) -> None:
    body = client.get("/api/v1/salesOrders").json()
    assert body["extra"] == {"totalCount": 200, "page": {"number": 1, "size": 10}}
    assert [o["id"] for o in body["data"]] == client.emulator.world.order_ids()[:10]


def test_pages_partition_the_rows_in_id_order(client: Client) -> None:
    ids = client.emulator.world.order_ids()
    seen = []
    for number in range(1, 6):
        body = client.get("/api/v1/salesOrders", {"page[number]": number, "page[size]": 50}).json()
        assert body["extra"]["page"] == {"number": number, "size": 50}
        seen += [o["id"] for o in body["data"]]
    assert seen == ids


def test_page_past_the_end_is_empty_200(client: Client) -> None:
    response = client.get("/api/v2/products", {"page[number]": 99, "page[size]": 50})
    assert response.status_code == 200
    assert response.json() == {"data": [], "extra": {"totalCount": 60, "page": {"number": 99, "size": 50}}}


@pytest.mark.parametrize("params, missing", [({"page[number]": 2}, "size"), ({"page[size]": 20}, "number")])
def test_page_number_and_size_must_come_together(client: Client, params: dict, missing: str) -> None:
    assert violations(client.get("/api/v1/salesOrders", params)) == {"page": {missing: ["This field is missing."]}}


@pytest.mark.parametrize("number, size", [("0", "10"), ("x", "10"), ("1", "0"), ("1", "-5")])
def test_invalid_page_values_are_refused(client: Client, number: str, size: str) -> None:
    assert "page" in violations(client.get("/api/v2/customers", {"page[number]": number, "page[size]": size}))


def test_oversize_page_is_refused_by_default(client: Client) -> None:
    found = violations(client.get("/api/v1/salesOrders", {"page[number]": 1, "page[size]": 51}))
    assert found == {"page": {"size": ["This value should be less than or equal to 50."]}}


def test_oversize_page_is_clamped_when_configured(emulator_factory) -> None:
    client = Client(emulator_factory(oversize_page="clamp"))
    body = client.get("/api/v1/salesOrders", {"page[number]": 1, "page[size]": 500}).json()
    assert body["extra"]["page"] == {"number": 1, "size": 50}
    assert len(body["data"]) == 50


def test_size_fifty_is_allowed(client: Client) -> None:
    assert len(client.get("/api/v2/customers", {"page[number]": 1, "page[size]": 50}).json()["data"]) == 50
