"""Where each setting comes from: CLI flag, environment, `.env`, `.dlt/` files, default.

The host and the token have the names users know from the README (`XENTRAL_INSTANCE_HOST`,
`XENTRAL_API_TOKEN`); every other setting lives under `[sources.xentral]` in
`.dlt/config.toml` (or dlt's `SOURCES__XENTRAL__<NAME>` variables) with a flag on top.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import dlt
from dotenv import dotenv_values

from pipelines.xentral.errors import ConfigError
from pipelines.xentral.extract import Cadence
from pipelines.xentral.instance import base_url_for
from pipelines.xentral.settings import (
    DEFAULT_CURSOR_LAG_SECONDS,
    DEFAULT_CUSTOMER_REFRESH_DAYS,
    DEFAULT_DATASET,
    DEFAULT_DUCKDB_PATH,
    DEFAULT_PRODUCT_FULL_LISTING_DAYS,
)

HOST_ENV = "XENTRAL_INSTANCE_HOST"
TOKEN_ENV = "XENTRAL_API_TOKEN"
SECTION = "sources.xentral"

T = TypeVar("T")


@dataclass(frozen=True)
class SyncConfig:
    """Everything a sync needs to know before its first request."""

    base_url: str
    token: str = field(repr=False)
    duckdb_path: Path = Path(DEFAULT_DUCKDB_PATH)
    dataset: str = DEFAULT_DATASET
    rate_limit: int = 100
    rate_window_seconds: float = 60.0
    rate_headroom: float = 0.1
    request_timeout: float = 30.0
    max_attempts: int = 5
    retry_backoff_seconds: float = 0.5
    cursor_lag_seconds: int = DEFAULT_CURSOR_LAG_SECONDS
    customer_refresh_days: int = DEFAULT_CUSTOMER_REFRESH_DAYS
    product_full_listing_days: int = DEFAULT_PRODUCT_FULL_LISTING_DAYS

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


def resolve_sync_config(flags: Mapping[str, Any], env: Mapping[str, str] | None = None) -> SyncConfig:
    """Build the config from `flags` (None = not given) over environment, `.env` and `.dlt/`."""
    env = os.environ if env is None else env
    host = flags.get("instance") or env.get(HOST_ENV) or _dlt_setting("instance_host")
    if not host:
        raise ConfigError(
            f"no Xentral instance: pass --instance, set {HOST_ENV}, "
            f"or set instance_host under [{SECTION}] in .dlt/config.toml"
        )
    return SyncConfig(
        base_url=base_url_for(host),
        token=resolve_token(env),
        duckdb_path=Path(_pick(flags, "duckdb_path", str, DEFAULT_DUCKDB_PATH)),
        dataset=_pick(flags, "dataset", str, DEFAULT_DATASET),
        rate_limit=_pick(flags, "rate_limit", int, 100),
        rate_window_seconds=_pick(flags, "rate_window_seconds", float, 60.0),
        rate_headroom=_pick(flags, "rate_headroom", float, 0.1),
        request_timeout=_pick(flags, "request_timeout", float, 30.0),
        max_attempts=_pick(flags, "max_attempts", int, 5),
        retry_backoff_seconds=_pick(flags, "retry_backoff_seconds", float, 0.5),
        cursor_lag_seconds=_pick(flags, "cursor_lag_seconds", int, DEFAULT_CURSOR_LAG_SECONDS),
        customer_refresh_days=_pick(flags, "customer_refresh_days", int, DEFAULT_CUSTOMER_REFRESH_DAYS),
        product_full_listing_days=_pick(flags, "product_full_listing_days", int, DEFAULT_PRODUCT_FULL_LISTING_DAYS),
    )


def resolve_token(env: Mapping[str, str]) -> str:
    """The API token from the environment, a `.env` file, or `.dlt/secrets.toml`."""
    token = env.get(TOKEN_ENV) or dotenv_values(".env").get(TOKEN_ENV) or _dlt_setting("api_token")
    if not token or not token.strip():
        raise ConfigError(
            f"no API token: set {TOKEN_ENV} (environment or .env), "
            f"or api_token under [{SECTION}] in .dlt/secrets.toml"
        )
    return token.strip()


def _pick(flags: Mapping[str, Any], name: str, kind: type[T], default: T) -> T:
    value = flags.get(name)
    if value is None:
        value = _dlt_setting(name)
    if value is None:
        return default
    try:
        return kind(value)  # type: ignore[call-arg]
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name} = {value!r} is not a valid {kind.__name__}") from None


def _dlt_setting(name: str) -> Any:
    """A value from `.dlt/config.toml`, `.dlt/secrets.toml` or dlt's environment variables."""
    accessor = dlt.secrets if name == "api_token" else dlt.config
    return accessor.get(f"{SECTION}.{name}")
