"""Running the lookup commands in-process against an emulator: `lookup(*argv)` -> exit code, stdout, stderr."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.emulator import RunningEmulator


@dataclass
class Ran:
    code: int
    out: str
    err: str


Lookup = Callable[..., Ran]


@pytest.fixture
def xentral(emulator_factory) -> RunningEmulator:
    """A small emulator whose server-side limit never gets in the way of a test's few commands."""
    return emulator_factory(orders=60, products=60, customers=50, rate_limit=100_000)


@pytest.fixture
def lookup(xentral: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Lookup:
    """`lookup("orders", "show", "200001")` runs `xentral-sync` with the emulator's host and token,
    in an empty folder (no .env), the import defaults set as a user would in config."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XENTRAL_INSTANCE_HOST", xentral.base_url)
    monkeypatch.setenv("XENTRAL_API_TOKEN", xentral.token)
    monkeypatch.setenv("SOURCES__XENTRAL__DEFAULT_PROJECT", "STANDARD")
    monkeypatch.setenv("SOURCES__XENTRAL__DEFAULT_PAYMENT_METHOD", "Rechnung")
    monkeypatch.setenv("SOURCES__XENTRAL__DEFAULT_SHIPPING_METHOD", "DHL Paket")
    monkeypatch.setenv("SOURCES__XENTRAL__DUCKDB_PATH", str(tmp_path / "ledger.duckdb"))

    def run(*argv: str) -> Ran:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run
