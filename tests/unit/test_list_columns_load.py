"""Lists stay JSON columns wherever they first show up: on the first page or only on a later one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt
import duckdb
import requests_mock as rm

from pipelines.xentral import xentral_source

BASE_URL = "https://acme.xentral.biz"
ORDERS = [str(number) for number in range(1, 53)]  # two pages of 50 and one of 2


def _view(order_id: str) -> dict[str, Any]:
    late = order_id in ("51", "52")
    view: dict[str, Any] = {"id": order_id, "updatedAt": "2024-03-27T15:13:25+01:00", "delivery": {"city": "Köln"}}
    position: dict[str, Any] = {"id": f"{order_id}01", "quantity": 1}
    if order_id == "1":
        view["tags"] = []
    if late:
        view["delivery"]["extraLines"] = ["c/o Lager"]
        position["serials"] = ["S-1"]
    view["positions"] = [position]
    return view


def _list_page(request: Any, context: Any) -> dict[str, Any]:
    number, size = int(request.qs["page[number]"][0]), int(request.qs["page[size]"][0])
    ids = ORDERS[(number - 1) * size : number * size]
    items = [{"id": order_id, "updatedAt": "2024-03-27T15:13:25+01:00"} for order_id in ids]
    return {"data": items, "extra": {"totalCount": len(ORDERS), "page": {"number": number, "size": size}}}


def _columns(path: Path, table: str) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'xentral' "
            "AND table_name = ?",
            [table],
        ).fetchall()
    return dict(rows)


def test_lists_first_seen_on_a_later_page_are_json_columns_not_child_tables(
    requests_mock: rm.Mocker, tmp_path: Path
) -> None:
    requests_mock.get(f"{BASE_URL}/api/v1/salesOrders", json=_list_page)
    for order_id in ORDERS:
        requests_mock.get(f"{BASE_URL}/api/v1/salesOrders/{order_id}", json={"data": _view(order_id)})
    path = tmp_path / "lists.duckdb"
    pipeline = dlt.pipeline(pipeline_name="lists", pipelines_dir=str(tmp_path / "dlt"), dataset_name="xentral",
                            destination=dlt.destinations.duckdb(str(path)))
    source = xentral_source(instance_host=BASE_URL, api_token="t0ken", resources=("sales_orders",),
                            rate_limit=10**6, rate_window_seconds=1.0, rate_headroom=0.0, api="v1")
    pipeline.run(source).raise_on_failed_jobs()

    orders, positions = _columns(path, "sales_orders"), _columns(path, "sales_order_positions")
    assert orders["tags"] == "JSON"
    assert orders["delivery__extra_lines"] == "JSON"
    assert positions["serials"] == "JSON"
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = {name for (name,) in connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'xentral'").fetchall()}
        late = connection.execute(
            "SELECT o.delivery__extra_lines::VARCHAR, p.serials::VARCHAR FROM xentral.sales_orders o "
            "JOIN xentral.sales_order_positions p ON p.sales_order_id = o.id WHERE o.id = '52'").fetchall()
    assert not {name for name in tables if "__" in name}
    assert late == [('["c/o Lager"]', '["S-1"]')]
