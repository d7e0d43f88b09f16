"""Requests against the emulator: how many a sync makes, and how close it paces to the limit.

Efficiency counts requests per operation (the emulator's own statistics) for a first full
sync and for a night after 1% of the orders changed, against the minimum the API allows
(FACTS.md): ceil(rows/50) list pages per listing (at least one), one view per new or
changed order, a view and an address list per new customer (the v2 list carries neither
addresses nor timestamps), and the one connection check before anything is written.

Pacing syncs against the emulator at its real limit of 100 requests a window, on a window
shortened to a few seconds and with latency on every request, and counts what the sync
sends in each complete window from its first request, and the 429s it draws.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.patching import sync_session
from pipelines.emulator import EmulatorSettings, RunningEmulator, start_emulator
from pipelines.settings import Settings
from pipelines.sync.runner import SyncOptions, run_sync
from pipelines.xentral.settings import RESOURCE_NAMES

PAGE = 50
CHANGED_SHARE = 0.01


@dataclass(frozen=True)
class Efficiency:
    """Requests made and the minimum, per operation, for one sync."""

    made: dict[str, int]
    minimum: dict[str, int]

    @property
    def ratio(self) -> float:
        return sum(self.made.values()) / sum(self.minimum.values())


def _pages(rows: int) -> int:
    return max(1, math.ceil(rows / PAGE))


def efficiency(orders: int, products: int, customers: int) -> tuple[Efficiency, Efficiency]:
    """A first full sync, then a night after 1% of the orders changed."""
    settings = EmulatorSettings(orders=orders, products=products, customers=customers,
                                rate_limit=10**9, rate_window_seconds=1.0)
    with start_emulator(settings) as emulator, tempfile.TemporaryDirectory() as folder:
        config = _config(emulator, Path(folder), limit=10**9, window=1.0, headroom=0.0)
        full = counted(emulator, config)
        full_minimum = {
            "salesOrder.list": _pages(orders), "salesOrder.view": orders,
            "product.listV2": _pages(products),
            "customer.list.v2": _pages(customers), "customer.view.v2": customers,
            "customer.address.list.v2": customers, "connection check": 1,
        }
        changed = max(1, round(orders * CHANGED_SHARE))
        for order_id in emulator.world.order_ids()[::max(1, orders // changed)][:changed]:
            emulator.world.update_order(order_id, comment="changed for the benchmark")
        night = counted(emulator, config)
        night_minimum = {
            "salesOrder.list": _pages(changed), "salesOrder.view": changed, "product.listV2": 1,
            "customer.list.v2": _pages(customers), "connection check": 1,
        }
    return Efficiency(full, full_minimum), Efficiency(night, night_minimum)


def counted(emulator: RunningEmulator, config: Settings, resources: Sequence[str] = RESOURCE_NAMES) -> dict[str, int]:
    """Requests per operation of one sync; the connection check (a small first page) apart."""
    emulator.stats.reset()
    run_sync(config, SyncOptions(), resources=resources)
    made = dict(emulator.stats.snapshot()["operations"])
    made["salesOrder.list"] -= 1
    made["connection check"] = 1
    return {operation: count for operation, count in made.items() if count}


def pacing(orders: int, window: float, latency_ms: float, headroom: float) -> tuple[float, int]:
    """(requests per complete window / the limit, 429s drawn) for one sync of sales orders."""
    limit = 100
    settings = EmulatorSettings(orders=orders, products=10, customers=10, rate_limit=limit,
                                rate_window_seconds=window, latency_ms=latency_ms)
    with start_emulator(settings) as emulator, tempfile.TemporaryDirectory() as folder:
        config = _config(emulator, Path(folder), limit=limit, window=window, headroom=headroom)
        sent: list[float] = []
        session = requests.Session()
        session.hooks["response"].append(lambda response, *args, **kwargs: sent.append(time.monotonic()))
        with sync_session(session):
            run_sync(config, SyncOptions(), resources=("sales_orders",))
        refused = emulator.stats.snapshot()["rateLimited"]
    return _per_window(sent, window) / limit, refused


def _per_window(times: list[float], window: float) -> float:
    """Mean requests in the complete windows that follow the first answer."""
    start = times[0]
    windows = int((times[-1] - start) // window)
    if windows < 1:
        raise ValueError("the sync ended within one window: give it more orders")
    counts = [0] * windows
    for moment in times:
        index = int((moment - start) // window)
        if index < windows:
            counts[index] += 1
    return sum(counts) / windows


def _config(emulator: RunningEmulator, folder: Path, *, limit: int, window: float, headroom: float) -> Settings:
    return Settings(instance_host=emulator.base_url, api_token=emulator.token, duckdb_path=folder / "bench.duckdb",
                      rate_limit=limit, rate_window_seconds=window, rate_headroom=headroom, api="v1")
