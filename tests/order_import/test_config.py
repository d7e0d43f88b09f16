"""Import settings come from flags over `[sources.xentral]` (or SOURCES__XENTRAL__* variables); bad flags stop early."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.api.errors import ConfigError
from pipelines.cli import main
from pipelines.order_import import ImportDefaults
from pipelines.settings import resolve_settings


def resolve_import_defaults(flags: dict | None = None) -> ImportDefaults:
    return ImportDefaults.from_settings(resolve_settings(flags))


def resolve_import_rate_headroom(flag: float | None = None) -> float:
    return resolve_settings({"import_rate_headroom": flag}).import_rate_headroom


def resolve_import_ledger_path(flag: str | None, duckdb_path: Path) -> Path:
    return resolve_settings({"import_ledger_path": flag, "duckdb_path": duckdb_path}).import_ledger_file


def test_flags_win_over_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCES__XENTRAL__DEFAULT_PROJECT", "SHOP")
    monkeypatch.setenv("SOURCES__XENTRAL__DEFAULT_PAYMENT_METHOD", "PayPal")
    monkeypatch.setenv("SOURCES__XENTRAL__DEFAULT_CURRENCY", "chf")
    defaults = resolve_import_defaults({"default_payment_method": "Rechnung", "default_shipping_method": None})
    assert (defaults.project, defaults.payment_method, defaults.shipping_method, defaults.currency) == (
        "SHOP", "Rechnung", None, "CHF")


def test_discount_mode_must_be_known(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCES__XENTRAL__DISCOUNT_MODE", "percentage")
    with pytest.raises(ConfigError, match="discount_mode .* 'percentage' is not one of fraction, percent"):
        resolve_import_defaults()


def test_import_headroom(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCES__XENTRAL__IMPORT_RATE_HEADROOM", raising=False)
    assert resolve_import_rate_headroom() == 0.05
    assert resolve_import_rate_headroom(0.2) == 0.2
    monkeypatch.setenv("SOURCES__XENTRAL__IMPORT_RATE_HEADROOM", "0.3")
    assert resolve_import_rate_headroom() == 0.3


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--rate-limit", "abc", "argument --rate-limit: 'abc' is not a whole number"),
    ("--rate-limit", "0", "argument --rate-limit: '0' is not a whole number of 1 or more"),
    ("--rate-window", "0", "argument --rate-window: '0' is not a number above 0"),
    ("--rate-window", "nan", "argument --rate-window: 'nan' is not a number"),
    ("--rate-headroom", "1.5", "argument --rate-headroom: '1.5' is not a share from 0 up to (not including) 1, e.g. 0.1 for 10 %"),
    ("--rate-headroom", "-0.1", "argument --rate-headroom: '-0.1' is not a share from 0 up to (not including) 1, e.g. 0.1 for 10 %"),
])
def test_rate_flags_are_refused_with_exit_2_before_any_request(
    emulator, tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], flag: str, value: str,
    message: str,
) -> None:
    monkeypatch.setenv("XENTRAL_INSTANCE_HOST", emulator.base_url)
    monkeypatch.setenv("XENTRAL_API_TOKEN", emulator.token)
    file = tmp_path / "orders.csv"
    file.write_text("order_key,customer_number,product_number,quantity\nA,10001,AR-10002,1\n")
    with pytest.raises(SystemExit) as exited:
        main(["import", str(file), "--dry-run", f"{flag}={value}"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().splitlines() == [f"error: {message} (see xentral-sync import --help)"]
    assert emulator.stats.total() == 0


def test_the_ledger_lives_beside_the_duckdb_file_unless_set(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("SOURCES__XENTRAL__IMPORT_LEDGER_PATH", raising=False)
    assert resolve_import_ledger_path(None, Path("data/xentral.duckdb")) == Path("data/xentral.import-ledger.sqlite")
    assert resolve_import_ledger_path("l.sqlite", Path("xentral.duckdb")) == Path("l.sqlite")
    monkeypatch.setenv("SOURCES__XENTRAL__IMPORT_LEDGER_PATH", str(tmp_path / "shared.sqlite"))
    assert resolve_import_ledger_path(None, Path("xentral.duckdb")) == tmp_path / "shared.sqlite"
    assert resolve_import_ledger_path("flag.sqlite", Path("xentral.duckdb")) == Path("flag.sqlite")
