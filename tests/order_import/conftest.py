"""Fixtures for the import tests: an emulator, a client on it, the defaults, and file writers."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from pipelines.api.client import RetryPolicy, XentralClient
from pipelines.emulator import RunningEmulator
from pipelines.order_import import ImportDefaults

SEED_ORDERS = 20  # a small world keeps these tests fast
HEADER = ["Order Key", "Order Date", "Customer Number", "Currency", "Project", "Payment Method",
          "Shipping Method", "Product Number", "Quantity", "Unit Price", "Discount", "Comment"]


@pytest.fixture
def world_emulator(emulator_factory: Callable[..., RunningEmulator]) -> Callable[..., RunningEmulator]:
    def start(**settings: Any) -> RunningEmulator:
        return emulator_factory(orders=SEED_ORDERS, **settings)
    return start


@pytest.fixture
def emu(world_emulator: Callable[..., RunningEmulator]) -> RunningEmulator:
    return world_emulator()


def client_on(emulator: RunningEmulator, **options: Any) -> XentralClient:
    return XentralClient(emulator.base_url, emulator.token, retry=RetryPolicy(backoff_base=0.01), **options)


@pytest.fixture
def client(emu: RunningEmulator) -> XentralClient:
    return client_on(emu)


@pytest.fixture
def defaults() -> ImportDefaults:
    return ImportDefaults(project="Hauptprojekt", payment_method="Rechnung", shipping_method="DHL Paket")


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


def csv_bytes(rows: list[list[str]], delimiter: str = ",", header: list[str] | None = None,
              encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def orders_with_key(emulator: RunningEmulator, key: str) -> list[dict]:
    """Every live order carrying an external order number, as the single view shows it."""
    return [emulator.world.order_view(order_id) for order_id in emulator.world.find_orders(key)]


@contextmanager
def duckdb_held_for_writing(path: Path) -> Iterator[None]:
    """Another process holds a DuckDB write connection on `path`, as a running sync does."""
    code = f"import duckdb, sys; c = duckdb.connect({str(path)!r}); print('held', flush=True); sys.stdin.read()"
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.communicate("")


def import_env(emulator: RunningEmulator) -> dict[str, str]:
    """The environment of an `xentral-sync import` subprocess against `emulator`, defaults set."""
    return {**os.environ, "XENTRAL_INSTANCE_HOST": emulator.base_url, "XENTRAL_API_TOKEN": emulator.token,
            "SOURCES__XENTRAL__DEFAULT_PROJECT": "1", "SOURCES__XENTRAL__DEFAULT_PAYMENT_METHOD": "1",
            "SOURCES__XENTRAL__DEFAULT_SHIPPING_METHOD": "1"}


def one_position_rows(keys: list[str]) -> list[list[str]]:
    return [[key, "2026-11-20", "10001", "EUR", "", "", "", "AR-10002", "1", "", "", ""] for key in keys]
