"""Customer cursor paging (an unconfirmed form, so both end markers are settings)."""
from __future__ import annotations

import base64

from tests.emulator.conftest import Client, violations

CUSTOMERS = "/api/v2/customers"


def walk(client: Client, size: int) -> tuple[list[str], list[dict]]:
    ids, extras, cursor = [], [], None
    while True:
        params = {"cursor[size]": size, **({"cursor[nextCursor]": cursor} if cursor else {})}
        body = client.get(CUSTOMERS, params).json()
        ids += [c["id"] for c in body["data"]]
        extras.append(body["extra"])
        cursor = body["extra"].get("cursor", {}).get("nextCursor")
        if not cursor:
            return ids, extras


def test_cursor_walk_returns_every_customer_once_and_ends_with_an_empty_cursor(client: Client) -> None:
    ids, extras = walk(client, 20)
    assert ids == client.emulator.world.customer_ids()
    assert extras[0] == {"totalCount": 50, "cursor": {"nextCursor": base64.b64encode(b"20").decode(), "size": 20}}
    assert extras[-1]["cursor"] == {"nextCursor": "", "size": 20}


def test_absent_end_marker_variant(emulator_factory) -> None:
    client = Client(emulator_factory(customer_cursor_end="absent"))
    ids, extras = walk(client, 30)
    assert len(ids) == 50 and "cursor" not in extras[-1]


def test_cursor_survives_a_deleted_anchor(client: Client) -> None:
    first = client.get(CUSTOMERS, {"cursor[size]": 10}).json()
    client.emulator.world.delete_customer("10")
    rest = client.get(CUSTOMERS, {"cursor[size]": 10, "cursor[nextCursor]": first["extra"]["cursor"]["nextCursor"]})
    assert rest.json()["data"][0]["id"] == "11"


def test_cursor_refused_when_off(emulator_factory) -> None:
    client = Client(emulator_factory(customer_cursor="off"))
    assert violations(client.get(CUSTOMERS, {"cursor[size]": 10})) == {"cursor": ["This field was not expected."]}


def test_page_and_cursor_together_are_refused(client: Client) -> None:
    found = violations(client.get(CUSTOMERS, {"cursor[size]": 10, "page[number]": 1, "page[size]": 10}))
    assert list(found) == ["cursor"]


def test_garbage_cursor_is_refused(client: Client) -> None:
    assert "cursor" in violations(client.get(CUSTOMERS, {"cursor[nextCursor]": "%%%"}))


def test_cursor_is_only_for_customers(client: Client) -> None:
    assert "cursor" in violations(client.get("/api/v1/salesOrders", {"cursor[size]": 10}))
