"""Where each setting comes from: CLI flag, environment, `.env`, `.dlt/` files, default.

The host and the token have the names users know from the README (`XENTRAL_INSTANCE_HOST`,
`XENTRAL_API_TOKEN`); every other setting lives under `[sources.xentral]` in
`.dlt/config.toml` (or dlt's `SOURCES__XENTRAL__<NAME>` variables) with a flag on top.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import dlt
from dotenv import dotenv_values

from pipelines.analytics_settings import DEFAULT_DATASET, DEFAULT_DUCKDB_PATH
from pipelines.xentral.errors import ConfigError
from pipelines.xentral.extract import Cadence
from pipelines.xentral.instance import base_url_for
from pipelines.xentral.settings import (
    DEFAULT_CURSOR_LAG_SECONDS,
    DEFAULT_CUSTOMER_REFRESH_DAYS,
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    DEFAULT_PRODUCT_FULL_LISTING_DAYS,
    DEFAULT_ROWS_PER_LOAD,
)

HOST_ENV = "XENTRAL_INSTANCE_HOST"
TOKEN_ENV = "XENTRAL_API_TOKEN"
SECTION = "sources.xentral"

T = TypeVar("T")
_MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(K|M|G|T)i?B", re.IGNORECASE)


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
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    rows_per_load: int = DEFAULT_ROWS_PER_LOAD

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
        duckdb_memory_limit=_memory_size(_pick(flags, "duckdb_memory_limit", str, DEFAULT_DUCKDB_MEMORY_LIMIT).strip()),
        rows_per_load=_positive(_pick(flags, "rows_per_load", int, DEFAULT_ROWS_PER_LOAD), "rows_per_load"),
    )


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
    currency: str = "EUR"
    discount_mode: str = "fraction"


DISCOUNT_MODES = ("fraction", "percent")


def resolve_import_defaults(flags: Mapping[str, Any] | None = None) -> ImportDefaults:
    """Import defaults from `flags` (None = not given) over `[sources.xentral]` in `.dlt/config.toml`."""
    flags = flags or {}
    defaults = ImportDefaults(
        project=_pick_optional(flags, "default_project"),
        payment_method=_pick_optional(flags, "default_payment_method"),
        shipping_method=_pick_optional(flags, "default_shipping_method"),
        currency=_pick(flags, "default_currency", str, "EUR").strip().upper(),
        discount_mode=_pick(flags, "discount_mode", str, "fraction").strip().lower(),
    )
    if defaults.discount_mode not in DISCOUNT_MODES:
        choices = ", ".join(DISCOUNT_MODES)
        raise ConfigError(f"setting discount_mode = {defaults.discount_mode!r} must be one of {choices}")
    return defaults


def resolve_import_rate_headroom(flag: float | None = None) -> float:
    """The share of the rate limit an import leaves unused: `flag`, else `import_rate_headroom`, else 0.05.

    Smaller than the sync's: an import is one bounded job a person starts, and the limiter still
    shrinks its budget by what other integrations use (measured from ``X-RateLimit-Remaining``).
    """
    return _pick({"import_rate_headroom": flag}, "import_rate_headroom", float, 0.05)


def resolve_token(env: Mapping[str, str]) -> str:
    """The API token from the environment, a `.env` file, or `.dlt/secrets.toml`."""
    token = next((value for value, _ in _token_candidates(env) if value), None)
    if not token or not token.strip():
        raise ConfigError(
            f"no API token: set {TOKEN_ENV} (environment or .env), "
            f"or api_token under [{SECTION}] in .dlt/secrets.toml"
        )
    return token.strip()


def token_source(env: Mapping[str, str] | None = None) -> str:
    """Where the token in use comes from, for error messages (never the token itself)."""
    env = os.environ if env is None else env
    return next((source for value, source in _token_candidates(env) if value), "no token configured")


def _token_candidates(env: Mapping[str, str]) -> Iterator[tuple[str | None, str]]:
    """(value, where it comes from) in the order the token is looked up; values read lazily."""
    yield env.get(TOKEN_ENV), f"{TOKEN_ENV} in the environment"
    yield dotenv_values(".env").get(TOKEN_ENV), f"{TOKEN_ENV} in .env"
    yield _dlt_setting("api_token"), f"api_token under [{SECTION}] (.dlt/secrets.toml or SOURCES__XENTRAL__API_TOKEN)"


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


def _memory_size(value: str) -> str:
    """``512MB``, ``2 GB``, ``1.5GiB``: a size DuckDB's ``memory_limit`` understands, checked up front."""
    if not _MEMORY_SIZE.fullmatch(value):
        raise ConfigError(f"setting duckdb_memory_limit = {value!r} is not a size like 512MB or 2GB")
    return value


def _positive(value: int, name: str) -> int:
    if value < 1:
        raise ConfigError(f"setting {name} = {value} must be a positive whole number")
    return value


def _pick_optional(flags: Mapping[str, Any], name: str) -> str | None:
    value = _pick(flags, name, str, "").strip()
    return value or None


def _dlt_setting(name: str) -> Any:
    """A value from `.dlt/config.toml`, `.dlt/secrets.toml` or dlt's environment variables."""
    accessor = dlt.secrets if name == "api_token" else dlt.config
    return accessor.get(f"{SECTION}.{name}")
