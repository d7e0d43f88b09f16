"""A run killed at any moment and started again creates no duplicate and finishes the rest."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.order_import.ledger import Ledger, LedgerState

from .conftest import csv_bytes, orders_with_key

pytestmark = pytest.mark.e2e

ORDERS = 12


def _command(file: Path, ledger: Path) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", "import", str(file), "--ledger", str(ledger),
            "--project", "1", "--payment-method", "1", "--shipping-method", "1"]


def test_killed_run_then_rerun_leaves_every_order_exactly_once(world_emulator, tmp_path):
    # Slow answers make the kill land while an order is being created, between its POST and its answer.
    emu = world_emulator(slow_import_seconds=0.1, duplicate_external_order_number="accept")
    keys = [f"KILL-{number:03d}" for number in range(ORDERS)]
    file = tmp_path / "orders.csv"
    file.write_bytes(csv_bytes([[key, "2026-11-20", "10001", "EUR", "", "", "", "AR-10002", "1", "", "", ""]
                                for key in keys]))
    ledger = tmp_path / "ledger.sqlite"
    env = {**os.environ, "XENTRAL_INSTANCE_HOST": emu.base_url, "XENTRAL_API_TOKEN": emu.token}
    seeded = emu.world.order_count()

    first = subprocess.Popen(_command(file, ledger), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while emu.world.order_count() < seeded + 3 and first.poll() is None:
        time.sleep(0.02)
    time.sleep(0.05)  # inside the next order's slow answer
    first.send_signal(signal.SIGKILL)
    first.wait()
    created_before_rerun = emu.world.order_count() - seeded
    assert 3 <= created_before_rerun < ORDERS, "the kill must land mid-run"

    rerun = subprocess.run(_command(file, ledger), env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert "skipped: already in Xentral" in rerun.stdout
    assert all(len(orders_with_key(emu, key)) == 1 for key in keys)
    assert emu.world.order_count() == seeded + ORDERS
    with Ledger(ledger) as opened:
        states = {entry.state for entry in opened.entries().values()}
    assert states <= {LedgerState.CREATED, LedgerState.SKIPPED}
