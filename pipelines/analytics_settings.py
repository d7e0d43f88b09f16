"""Where `models` and `report` find the data: the DuckDB file, the dataset and the models schema.

Looked up like the sync's settings (flag, then `SOURCES__XENTRAL__<KEY>` in the environment,
then `[sources.xentral]` in `.dlt/config.toml`, then the default), but without dlt, so that the
report starts without importing it, and without asking for the host and token it does not need.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipelines.analytics_errors import ModelInputError

DEFAULT_DUCKDB_PATH = "xentral.duckdb"
DEFAULT_DATASET = "xentral"
"""The raw schema the sync writes."""
DEFAULT_MODELS_SCHEMA = "analytics"
CONFIG_FILE = Path(".dlt") / "config.toml"


@dataclass(frozen=True)
class AnalyticsSettings:
    duckdb_path: Path = Path(DEFAULT_DUCKDB_PATH)
    dataset: str = DEFAULT_DATASET
    models_schema: str = DEFAULT_MODELS_SCHEMA


def resolve_analytics_settings(
    duckdb_path: str | None = None,
    dataset: str | None = None,
    models_schema: str | None = None,
    env: Mapping[str, str] | None = None,
) -> AnalyticsSettings:
    """The settings from the flags given (None = not given) over the environment and `.dlt/config.toml`."""
    env = os.environ if env is None else env
    configured = _config_file_section()

    def pick(flag: str | None, key: str, default: str) -> str:
        value = flag if flag is not None else env.get(f"SOURCES__XENTRAL__{key.upper()}", configured.get(key))
        text = default if value is None else str(value).strip()
        if not text:
            raise ModelInputError(f"setting {key} is empty: name a {key.replace('_', ' ')}")
        return text

    return AnalyticsSettings(
        duckdb_path=Path(pick(duckdb_path, "duckdb_path", DEFAULT_DUCKDB_PATH)),
        dataset=pick(dataset, "dataset", DEFAULT_DATASET),
        models_schema=pick(models_schema, "models_schema", DEFAULT_MODELS_SCHEMA),
    )


def _config_file_section() -> Mapping[str, object]:
    if not CONFIG_FILE.is_file():
        return {}
    try:
        document = tomllib.loads(CONFIG_FILE.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ModelInputError(f"{CONFIG_FILE} is not valid TOML: {error}") from None
    return document.get("sources", {}).get("xentral", {})
