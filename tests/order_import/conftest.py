"""Fixtures for the import tests: an emulator, a client on it, the defaults, and file writers."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipelines.emulator import RunningEmulator
from pipelines.order_import import ImportDefaults
from pipelines.xentral.client import RetryPolicy, XentralClient

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
    return tmp_path / "ledger.duckdb"


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
