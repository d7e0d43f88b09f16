"""The sync's and the import's view of the settings (`pipelines.settings` resolves them).

`SyncConfig` is what a sync needs before its first request; `ImportDefaults` what an imported
order gets where its row leaves a field blank.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from pipelines.api.instance import base_url_for
from pipelines.settings import DEFAULTS, DISCOUNT_MODES, Settings, resolve_settings
from pipelines.xentral.extract import Cadence

FLAG_NAMES = {"instance": "instance_host"}
"""Old flag names of `resolve_sync_config`'s callers, by setting."""


@dataclass(frozen=True)
class SyncConfig:
    """Everything a sync needs to know before its first request."""

    base_url: str
    token: str = field(repr=False)
    duckdb_path: Path = DEFAULTS.duckdb_path
    dataset: str = DEFAULTS.dataset
    rate_limit: int = DEFAULTS.rate_limit
    rate_window_seconds: float = DEFAULTS.rate_window_seconds
    rate_headroom: float = DEFAULTS.rate_headroom
    request_timeout: float = DEFAULTS.request_timeout
    max_attempts: int = DEFAULTS.max_attempts
    retry_backoff_seconds: float = DEFAULTS.retry_backoff_seconds
    cursor_lag_seconds: int = DEFAULTS.cursor_lag_seconds
    customer_refresh_days: int = DEFAULTS.customer_refresh_days
    product_full_listing_days: int = DEFAULTS.product_full_listing_days
    duckdb_memory_limit: str = DEFAULTS.duckdb_memory_limit
    rows_per_load: int = DEFAULTS.rows_per_load

    @property
    def cadence(self) -> Cadence:
        return Cadence(
            cursor_lag=timedelta(seconds=self.cursor_lag_seconds),
            customer_refresh_days=self.customer_refresh_days,
            product_full_listing_days=self.product_full_listing_days,
        )

    @property
    def pipelines_dir(self) -> Path:
        """dlt's working folder, beside the DuckDB file it belongs to."""
        return self.duckdb_path.parent / ".xentral-sync" / self.duckdb_path.stem

    @property
    def lock_path(self) -> Path:
        return self.duckdb_path.with_name(self.duckdb_path.name + ".lock")

    @classmethod
    def from_settings(cls, settings: Settings) -> SyncConfig:
        host, token = settings.require_instance()
        kept = {name: getattr(settings, name) for name in cls.__dataclass_fields__ if hasattr(settings, name)}
        return cls(base_url=base_url_for(host), token=token, **kept)


def resolve_sync_config(flags: Mapping[str, Any], env: Mapping[str, str] | None = None) -> SyncConfig:
    """Build the config from `flags` (None = not given) over environment, `.env` and `.dlt/`."""
    named = {FLAG_NAMES.get(name, name): value for name, value in flags.items()}
    return SyncConfig.from_settings(resolve_settings(named, os.environ if env is None else env))


@dataclass(frozen=True)
class ImportDefaults:
    """What an imported order gets where its row (or command line) leaves a field blank.

    Project, payment and shipping method are names (``Onlineshop``, ``PayPal``) or ids, resolved
    through their list endpoints; None means the order must name one itself. ``discount_mode`` says
    how Xentral reads a position discount (unconfirmed): ``fraction`` sends 10 % as 0.1, ``percent`` as 10.
    """

    project: str | None = None
    payment_method: str | None = None
    shipping_method: str | None = None
    currency: str = DEFAULTS.default_currency
    discount_mode: str = DEFAULTS.discount_mode

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportDefaults:
        return cls(
            project=settings.default_project,
            payment_method=settings.default_payment_method,
            shipping_method=settings.default_shipping_method,
            currency=settings.default_currency,
            discount_mode=settings.discount_mode,
        )


def resolve_import_defaults(flags: Mapping[str, Any] | None = None) -> ImportDefaults:
    """Import defaults from `flags` (None = not given) over the environment, `.env` and `.dlt/`."""
    return ImportDefaults.from_settings(resolve_settings(flags))


def resolve_import_rate_headroom(flag: float | None = None) -> float:
    """The share of the rate limit an import leaves unused: `flag`, else `import_rate_headroom`.

    Smaller than the sync's: an import is one bounded job a person starts, and the limiter still
    shrinks its budget by what other integrations use (measured from ``X-RateLimit-Remaining``).
    """
    return resolve_settings({"import_rate_headroom": flag}).import_rate_headroom


def resolve_import_ledger_path(flag: str | None, duckdb_path: Path) -> Path:
    """The import ledger (SQLite): `flag`, else `import_ledger_path`, else beside the DuckDB file
    (`xentral.duckdb` -> `xentral.import-ledger.sqlite`)."""
    return resolve_settings({"import_ledger_path": flag, "duckdb_path": duckdb_path}).import_ledger_file


def token_source(env: Mapping[str, str] | None = None) -> str:
    """Where the token in use comes from, for error messages (never the token itself)."""
    return resolve_settings({}, os.environ if env is None else env).token_source()


__all__ = ["DISCOUNT_MODES", "ImportDefaults", "SyncConfig", "resolve_import_defaults", "resolve_sync_config"]
