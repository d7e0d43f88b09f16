"""Answers the spec allows, whatever a past run saw: no later run may crash on them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
import requests_mock as rm

from pipelines.xentral import xentral_source

BASE_URL = "https://acme.xentral.biz"
ORDERS = ("1", "2", "3")


def _list(request: Any, context: Any) -> dict[str, Any]:
    # list items may lack updatedAt too: every field of the order schema is optional
    return {"data": [{"id": order_id} for order_id in ORDERS], "extra": {"totalCount": 3, "page": {"number": 1, "size": 50}}}


def _view(order_id: str) -> dict[str, Any]:
    view: dict[str, Any] = {"id": order_id, "positions": [{"id": f"{order_id}1", "quantity": 1, "sort": 1,
                                                           "hasChildren": False, "parent": None,
                                                           "product": {"id": "7"}}]}
    if order_id == "2":
        view["total"] = {"amount": "1e38", "currency": "EUR"}  # the spec sets no bound on an amount
    return view


def test_orders_without_timestamps_and_with_a_huge_amount_sync_night_after_night(
    requests_mock: rm.Mocker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    requests_mock.get(f"{BASE_URL}/api/v1/salesOrders", json=_list)
    for order_id in ORDERS:
        requests_mock.get(f"{BASE_URL}/api/v1/salesOrders/{order_id}", json={"data": _view(order_id)})
    path = tmp_path / "spec.duckdb"
    pipeline = dlt.pipeline(pipeline_name="spec", pipelines_dir=str(tmp_path / "dlt"), dataset_name="raw",
                            destination=dlt.destinations.duckdb(str(path)))

    for _ in range(2):  # the second night reads what the first loaded
        source = xentral_source(instance_host=BASE_URL, api_token="t0ken", resources=("sales_orders",),
                                rate_limit=10**6, rate_window_seconds=1.0, rate_headroom=0.0)
        pipeline.run(source).raise_on_failed_jobs()

    with duckdb.connect(str(path), read_only=True) as connection:
        orders = connection.execute("SELECT id, created_at, updated_at FROM raw.sales_orders ORDER BY id").fetchall()
        positions = connection.execute("SELECT count(*) FROM raw.sales_order_positions").fetchall()
        huge = connection.execute("SELECT total__amount FROM raw.sales_orders WHERE id = '2'").fetchall()
    assert orders == [("1", None, None), ("2", None, None), ("3", None, None)]
    assert positions == [(3,)]
    assert huge == [(None,)]
    assert "total__amount of row 2: '1e38' does not fit DECIMAL(38,9); stored as NULL" in caplog.text
