"""Import defaults come from flags over `[sources.xentral]` (or SOURCES__XENTRAL__* variables)."""
from __future__ import annotations

import pytest

from pipelines.xentral.config import resolve_import_defaults, resolve_import_rate_headroom
from pipelines.xentral.errors import ConfigError


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
