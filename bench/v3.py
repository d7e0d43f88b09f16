"""Sales orders through v3 in the benchmark: requests against the minimum, wall time at the paced
limit, local processing against JSON decoding, and memory.

The minimum of a v3 sync of sales orders (V3.md): ceil(orders / 1000) pages, plus the fixed calls
of every run: the connection check, the probe (one v3 row), the check that v3's `address.id` is
v1's customer id (one v1 list row) and the list of shipping cost products (one page). v1's count on
the same world is computed, not run (a first v1 sync of 100,000 orders makes 102,001 requests): a
list page per 50 orders, a view per order and the connection check.

Local processing and memory replay recorded v3 pages of 1000 orders with their line items from
disk, with no HTTP (`V3ReplayAdapter`); every other request (the connection check, the checks of
the probe) gets an empty list.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import requests
from requests.adapters import BaseAdapter

from bench.api_requests import CHANGED_SHARE, Efficiency, counted
from bench.patching import sync_session
from pipelines.api.endpoints import SALES_ORDERS_V3_PATH
from pipelines.api.paging_v3 import ORDERS_PER_PAGE, PAGINATION_HEADER
from pipelines.api.timestamps import format_timestamp, parse_timestamp
from pipelines.emulator import EmulatorSettings, RunningEmulator, start_emulator
from pipelines.settings import Settings
from pipelines.sync.runner import SyncOptions, SyncResult, run_sync

V3_LIST = "GET::api-v3-salesorders"
BASE_URL = "https://replay-v3.invalid"
TOKEN = "replay-token"
EMPTY_LIST = b'{"data":[],"extra":{"totalCount":0,"page":{"number":1,"size":50}}}'


def _settings(emulator_or_url: RunningEmulator | str, folder: Path, **overrides: object) -> Settings:
    if isinstance(emulator_or_url, str):
        host, token = emulator_or_url, TOKEN
    else:
        host, token = emulator_or_url.base_url, emulator_or_url.token
    base = {"rate_limit": 10**9, "rate_window_seconds": 1.0, "rate_headroom": 0.0, **overrides}
    return Settings(instance_host=host, api_token=token, duckdb_path=folder / "bench.duckdb", api="v3",
                    **base)  # type: ignore[arg-type]


def _minimum(orders: int) -> dict[str, int]:
    return {V3_LIST: max(1, math.ceil(orders / ORDERS_PER_PAGE)) + 1, "salesOrder.list": 1, "product.listV2": 1,
            "connection check": 1}


def v1_requests(orders: int) -> int:
    """A first v1 sync of sales orders: a list page per 50, a view per order, the connection check."""
    return math.ceil(orders / 50) + orders + 1


def _listed_since(emulator: RunningEmulator, instant: str) -> int:
    """How many orders v3 lists with `updatedAt` at or after `instant` (the server's own count)."""
    answer = requests.get(f"{emulator.base_url}{SALES_ORDERS_V3_PATH}", params={
        "filter[0][key]": "updatedAt", "filter[0][op]": "greaterThanOrEquals", "filter[0][value]": instant,
        "perPage": 1}, headers={"Authorization": f"Bearer {emulator.token}", PAGINATION_HEADER: "table"}, timeout=60)
    answer.raise_for_status()
    return int(answer.json()["meta"]["total"])


def _night_window_start(emulator: RunningEmulator, lag_seconds: int) -> str:
    """Where a night's walk starts: the newest `updatedAt` the first sync loaded, minus the lag."""
    newest = requests.get(f"{emulator.base_url}{SALES_ORDERS_V3_PATH}", params={"sort": "-updatedAt", "perPage": 1},
                          headers={"Authorization": f"Bearer {emulator.token}"}, timeout=60).json()["data"][0]
    return format_timestamp(parse_timestamp(newest["updatedAt"]) - timedelta(seconds=lag_seconds))


def efficiency(orders: int) -> tuple[Efficiency, Efficiency]:
    """A first v3 sync of `orders` sales orders, then a night after 1% of them changed. The night's
    minimum lists what its window holds: the changed orders and those the cursor's lag lists again
    (orders whose `updatedAt` lies within the lag before the newest loaded one)."""
    settings = EmulatorSettings(orders=orders, products=10, customers=10, rate_limit=10**9, rate_window_seconds=1.0)
    with start_emulator(settings) as emulator, tempfile.TemporaryDirectory() as folder:
        config = _settings(emulator, Path(folder))
        full = counted(emulator, config, resources=("sales_orders",))
        window_start = _night_window_start(emulator, config.cursor_lag_seconds)
        changed = max(1, round(orders * CHANGED_SHARE))
        for order_id in emulator.world.order_ids()[::max(1, orders // changed)][:changed]:
            emulator.world.update_order(order_id, comment="changed for the benchmark")
        listed = _listed_since(emulator, window_start)
        night = counted(emulator, config, resources=("sales_orders",))
    return Efficiency(full, _minimum(orders)), Efficiency(night, _minimum(listed))


def paced(orders: int, limit: int, window: float) -> tuple[float, int]:
    """(wall seconds, requests) of a first v3 sync of sales orders at the emulator's limit of `limit`
    requests a `window`, the sync told the same limit with no headroom."""
    settings = EmulatorSettings(orders=orders, products=10, customers=10, rate_limit=limit, rate_window_seconds=window)
    with start_emulator(settings) as emulator, tempfile.TemporaryDirectory() as folder:
        config = _settings(emulator, Path(folder), rate_limit=limit, rate_window_seconds=window)
        result = run_sync(config, SyncOptions(), resources=("sales_orders",))
    _loaded_all(result, orders)
    return result.seconds, result.requests


@dataclass(frozen=True)
class V3Recording:
    """v3 pages of 1000 orders with line items on disk: `pages/<n>.json`, and the cursor that asks for each."""

    folder: Path

    @property
    def orders(self) -> int:
        return int(json.loads((self.folder / "meta.json").read_text())["orders"])

    def cursors(self) -> dict[str, int]:
        return json.loads((self.folder / "meta.json").read_text())["cursors"]

    def page(self, number: int) -> bytes:
        return (self.folder / "pages" / f"{number}.json").read_bytes()

    def bodies(self) -> list[bytes]:
        return [self.page(number) for number in sorted(self.cursors().values())]


def record_v3(orders: int, folder: Path) -> V3Recording:
    """Walk the emulator's v3 list as a first sync does and keep every page (kept if already there)."""
    recording = V3Recording(folder)
    if (folder / "meta.json").exists():
        return recording
    (folder / "pages").mkdir(parents=True, exist_ok=True)
    settings = EmulatorSettings(orders=orders, products=10, customers=10, rate_limit=10**9, rate_window_seconds=1.0)
    cursors: dict[str, int] = {}
    with start_emulator(settings) as emulator, requests.Session() as session:
        headers = {**emulator.headers(), PAGINATION_HEADER: "cursor"}
        cursor = ""
        number = 0
        while cursor is not None:
            params = {"perPage": ORDERS_PER_PAGE, "sort": "updatedAt,id", "include": "lineItems",
                      **({"cursor": cursor} if cursor else {})}
            answer = session.get(emulator.base_url + SALES_ORDERS_V3_PATH, params=params, headers=headers, timeout=300)
            answer.raise_for_status()
            number += 1
            (folder / "pages" / f"{number}.json").write_bytes(answer.content)
            cursors[cursor] = number
            cursor = answer.json()["meta"].get("nextCursor")
    (folder / "meta.json").write_text(json.dumps({"orders": orders, "cursors": cursors}))
    return recording


class V3ReplayAdapter(BaseAdapter):
    """Answers the v3 sales order list from a recording, by its cursor; the probe (`perPage=1`) with
    the first page; anything else with an empty list."""

    def __init__(self, recording: V3Recording) -> None:
        super().__init__()
        self._recording = recording
        self._cursors = recording.cursors()

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        path, _, query = (request.url or "").removeprefix(BASE_URL).partition("?")
        body = EMPTY_LIST
        if path == SALES_ORDERS_V3_PATH:
            cursor = parse_qs(query).get("cursor", [""])[0]
            body = self._recording.page(self._cursors[cursor])
        response = requests.Response()
        response.status_code = 200
        response._content = body
        response.headers["Content-Type"] = "application/json"
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def sync_replayed_v3(recording: V3Recording, duckdb_path: Path) -> None:
    """Our v3 sync of sales orders, every request answered from the recording, no rate limit."""
    session = requests.Session()
    session.mount(BASE_URL, V3ReplayAdapter(recording))
    with sync_session(session):
        result = run_sync(_settings(BASE_URL, duckdb_path.parent), SyncOptions(full_refresh=True),
                          resources=("sales_orders",))
    _loaded_all(result, recording.orders)


def ours_seconds(recording: V3Recording) -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        sync_replayed_v3(recording, Path(folder) / "bench.duckdb")
        return time.perf_counter() - started


def _loaded_all(result: SyncResult, orders: int) -> None:
    if result.table_rows["sales_orders"] != orders:
        raise RuntimeError(f"the v3 sync loaded {result.table_rows['sales_orders']} of {orders} orders")
