"""Auth (401 variants, 403 scope), Accept (406), the rate limit and the Date header."""
from __future__ import annotations

import time
from datetime import datetime
from email.utils import parsedate_to_datetime

import pytest
import requests

from pipelines.emulator.clock import BERLIN
from pipelines.emulator.media import JSON, MINIMAL, negotiate
from tests.emulator.conftest import Client


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "emulator-token"}])
def test_missing_or_wrong_token_is_401_json(emulator, headers: dict) -> None:
    response = requests.get(emulator.base_url + "/api/v1/salesOrders", headers=headers, timeout=5)
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    assert "X-RateLimit-Remaining" in response.headers


def test_401_text_variant(emulator_factory) -> None:
    emulator = emulator_factory(unauthorized_body="text")
    response = requests.get(emulator.base_url + "/api/v2/products", timeout=5)
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text == "Unauthorized"


@pytest.mark.parametrize("accept, status", [("application/json", 200), ("*/*", 200), (None, 200),
                                            ("application/json; charset=utf-8", 200), ("text/html", 406),
                                            ("application/xml", 406), ("application/*;q=0.2", 200),
                                            ("application/problem+json", 406), ("application/json;q=0", 406),
                                            ("text/html, */*;q=0.1", 200)])
def test_accept_header(client: Client, accept: str | None, status: int) -> None:
    headers = {"Accept": accept} if accept else {}
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {client.emulator.token}"})
    if accept is None:
        del session.headers["Accept"]
    assert session.get(client.emulator.base_url + "/api/v1/projects", headers=headers, timeout=5).status_code == status


def test_unknown_path_is_404_and_wrong_method_405(client: Client) -> None:
    assert client.get("/api/v1/nothing").status_code == 404
    assert client.request("DELETE", "/api/v1/salesOrders/1").status_code == 405


def test_every_answer_carries_limit_headers_and_remaining_counts_down(emulator_factory) -> None:
    client = Client(emulator_factory(rate_limit=5, rate_window_seconds=30))
    remaining = []
    for path in ("/api/v1/salesOrders", "/api/v1/salesOrders/999999", "/api/v1/salesOrders?page[size]=1"):
        response = client.get(path)
        assert response.headers["X-RateLimit-Limit"] == "5"
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    assert remaining == [4, 3, 2]


def test_429_past_the_limit_with_retry_after_and_reset_and_no_budget_used(emulator_factory) -> None:
    emulator = emulator_factory(rate_limit=3, rate_window_seconds=1.5)
    client = Client(emulator)
    statuses = [client.get("/api/v1/shippingMethods").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = client.get("/api/v1/shippingMethods")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 2
    assert abs(int(refused.headers["X-RateLimit-Reset"]) - time.time()) <= 3
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert client.get("/api/v1/shippingMethods").status_code == 429
    time.sleep(1.6)
    recovered = client.get("/api/v1/shippingMethods")
    assert recovered.status_code == 200
    assert recovered.headers["X-RateLimit-Remaining"] == "2"  # the two 429s used nothing
    snapshot = emulator.stats.snapshot()
    assert snapshot["rateLimited"] == 2 and snapshot["operations"]["shippingMethod.list"] == 4


def test_admin_requests_are_not_rate_limited_or_counted(emulator_factory) -> None:
    emulator = emulator_factory(rate_limit=1, rate_window_seconds=30)
    client = Client(emulator)
    for _ in range(3):
        assert client.get("/_emulator/stats").status_code == 200
    assert client.get("/api/v1/projects").status_code == 200
    assert emulator.stats.total() == 1


def test_date_header_follows_the_world_clock(client: Client) -> None:
    client.emulator.world.set_clock(datetime(2025, 3, 30, 1, 59, 58, tzinfo=BERLIN))
    served = parsedate_to_datetime(client.get("/api/v1/projects").headers["Date"])
    assert abs((served - datetime(2025, 3, 30, 1, 59, 58, tzinfo=BERLIN)).total_seconds()) < 5


def test_import_needs_the_create_scope(emulator_factory) -> None:
    emulator = emulator_factory(token_scopes=("salesOrder:read",))
    client = Client(emulator)
    response = client.post("/api/v1/salesOrders/actions/import", json={})
    assert response.status_code == 403 and response.content == b""  # the spec declares no body for a 403
    emulator.update_settings(error_body="message")
    response = client.post("/api/v1/salesOrders/actions/import", json={})
    assert response.status_code == 403 and "salesOrder:create" in response.json()["message"]
    assert client.get("/api/v1/salesOrders").status_code == 200


@pytest.mark.parametrize("accept, chosen", [
    (None, "application/json"), ("", "application/json"), ("*/*", "application/json"),
    ("application/vnd.xentral.minimal+json", "application/vnd.xentral.minimal+json"),
    ("application/json;q=0.5, application/vnd.xentral.minimal+json", "application/vnd.xentral.minimal+json"),
    ("application/*, application/json;q=0", "application/vnd.xentral.minimal+json"),
    ("application/json, application/vnd.xentral.minimal+json", "application/json"),  # a tie: the spec's first
    ("text/html", None), ("application/json;q=zero", None),
])
def test_negotiation_takes_qualities_and_the_most_specific_range(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept, (JSON, MINIMAL)) == chosen
