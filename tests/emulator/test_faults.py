"""Every fault setting, fail_next, fail_operations and determinism under fault_seed."""
from __future__ import annotations

import json
import time

import pytest
import requests

from pipelines.api.client import RetryPolicy, XentralClient
from pipelines.api.errors import ImportOutcomeUnknown
from tests.emulator.conftest import IMPORT_ACCEPT, Client
from tests.emulator.test_import import IMPORT, payload


def test_error_rate_answers_5xx_and_counts_them(emulator_factory) -> None:
    emulator = emulator_factory(error_rate=1.0)
    client = Client(emulator)
    statuses = {client.get("/api/v1/salesOrders").status_code for _ in range(12)}
    assert statuses <= {500, 502, 503} and len(statuses) > 1
    assert emulator.stats.snapshot()["serverErrors"] == 12


def test_fail_operations_limits_faults_to_those_operations(emulator_factory) -> None:
    client = Client(emulator_factory(error_rate=1.0, fail_operations=("product.listV2",)))
    assert client.get("/api/v2/products").status_code >= 500
    assert client.get("/api/v1/salesOrders").status_code == 200
    assert client.get("/api/v2/products/1").status_code == 200


def test_fail_next_hits_exactly_the_next_requests_of_an_operation(client: Client) -> None:
    client.emulator.fail_next("salesOrder.view", count=2, status=503)
    assert client.get("/api/v1/salesOrders").status_code == 200
    order = client.emulator.world.order_ids()[0]
    assert [client.get(f"/api/v1/salesOrders/{order}").status_code for _ in range(3)] == [503, 503, 200]


def test_foreign_429_has_retry_after_and_uses_no_budget(emulator_factory) -> None:
    emulator = emulator_factory(foreign_429_rate=1.0, rate_limit=10)
    client = Client(emulator)
    refused = client.get("/api/v1/projects")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1 and "X-RateLimit-Reset" in refused.headers
    emulator.update_settings(foreign_429_rate=0.0)
    assert client.get("/api/v1/projects").headers["X-RateLimit-Remaining"] == "9"


def test_latency_is_added(emulator_factory) -> None:
    client = Client(emulator_factory(latency_ms=150))
    started = time.perf_counter()
    client.get("/api/v1/projects")
    assert time.perf_counter() - started >= 0.15


def test_drop_closes_the_connection_mid_answer(emulator_factory) -> None:
    client = Client(emulator_factory(drop_rate=1.0))
    with pytest.raises(requests.exceptions.RequestException):
        client.get("/api/v1/salesOrders")


def test_truncate_answers_200_with_a_cut_body_of_matching_length(emulator_factory) -> None:
    client = Client(emulator_factory(truncate_rate=1.0))
    response = client.get("/api/v1/salesOrders")
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_paging_churn_shifts_offset_pages(emulator_factory) -> None:
    emulator = emulator_factory(paging_churn_rate=1.0, fault_seed=3)
    client = Client(emulator)
    before = emulator.world.order_ids()
    page_two = [o["id"] for o in client.get("/api/v1/salesOrders",
                                            {"page[number]": 2, "page[size]": 10}).json()["data"]]
    after = emulator.world.order_ids()
    assert len(after) != len(before)
    assert page_two != before[10:20]
    assert page_two == after[10:20]


def test_paging_churn_leaves_the_first_page_alone(emulator_factory) -> None:
    emulator = emulator_factory(paging_churn_rate=1.0)
    client = Client(emulator)
    client.get("/api/v1/salesOrders", {"page[number]": 1, "page[size]": 10})
    assert emulator.world.order_count() == 200


def test_slow_import_creates_the_order_before_the_client_times_out(emulator_factory) -> None:
    emulator = emulator_factory(slow_import_seconds=1.0)
    client = Client(emulator)
    with pytest.raises(requests.exceptions.ReadTimeout):
        client.session.post(emulator.base_url + IMPORT, json=payload(), timeout=0.3, headers={"Accept": IMPORT_ACCEPT})
    assert emulator.world.find_orders("SHEET-1")


def statuses(emulator, count: int = 30) -> list[int]:
    client = Client(emulator)
    return [client.get("/api/v1/projects").status_code for _ in range(count)]


def test_faults_are_deterministic_under_fault_seed(emulator_factory) -> None:
    first = statuses(emulator_factory(error_rate=0.5, fault_seed=11))
    assert first == statuses(emulator_factory(error_rate=0.5, fault_seed=11))
    assert first != statuses(emulator_factory(error_rate=0.5, fault_seed=12))
    assert 200 in first and any(s >= 500 for s in first)


def test_settings_change_at_run_time(client: Client) -> None:
    assert client.get("/api/v1/projects").status_code == 200
    client.emulator.update_settings(error_rate=1.0)
    assert client.get("/api/v1/projects").status_code >= 500
    client.emulator.update_settings(error_rate=0.0)
    assert client.get("/api/v1/projects").status_code == 200


def test_a_dropped_import_answer_leaves_the_client_unsure_and_the_order_created(emulator_factory) -> None:
    emulator = emulator_factory(drop_rate=1.0, fail_operations=("salesOrder.import",))
    client = XentralClient(emulator.base_url, emulator.token, retry=RetryPolicy(max_attempts=1))
    with pytest.raises(ImportOutcomeUnknown, match="may or may not exist"):
        client.create_sales_order(payload())
    assert emulator.world.find_orders("SHEET-1")
    assert client.get_page("/api/v1/salesOrders", number=1).total_count == emulator.world.order_count()  # GETs unhit
