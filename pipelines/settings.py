"""Every setting of xentral-sync: its key, flag, default and meaning, written once, here.

Each command resolves one `Settings` from, in this order: its command-line flags, the environment,
a `.env` file in the working folder, `.dlt/secrets.toml` and `.dlt/config.toml` (section
`[sources.xentral]`), the default. In the environment and `.env` a key is spelled dlt's way,
`SOURCES__XENTRAL__<KEY>`; the host and the token also have the names people know,
`XENTRAL_INSTANCE_HOST` and `XENTRAL_API_TOKEN`. The same keys reach the dlt source when it runs in
a user's own dlt project, where dlt injects them (`pipelines.xentral.xentral_source`).

Several instances (brands, countries) are tables `[sources.xentral.instances.<name>]` of the same
files; `configured_instances` turns each into the settings of one sync (see its docstring).

No dlt here: commands that do not sync (`report`, `emulator`) start without importing it.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from pipelines.api.errors import ConfigError

SECTION = "sources.xentral"
ENV_PREFIX = "SOURCES__XENTRAL__"
HOST_ENV = "XENTRAL_INSTANCE_HOST"
TOKEN_ENV = "XENTRAL_API_TOKEN"
DLT_FOLDER = ".dlt"
INSTANCES_SECTION = f"{SECTION}.instances"
INSTANCE_ENV_PREFIX = f"{ENV_PREFIX}INSTANCES__"
TOKEN_VARIABLE_KEY = "api_token_env"
"""An instance's key naming the environment variable (or `.env` entry) that holds its token."""
SHARED_KEYS = ("destination", "duckdb_path", "duckdb_memory_limit", "import_ledger_path")
"""Settings every instance of one sync shares: where the data goes."""

DISCOUNT_MODES = ("fraction", "percent")
DESTINATIONS = ("duckdb", "postgres")
API_CHOICES = ("auto", "v1", "v3")
_MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(K|M|G|T)i?B", re.IGNORECASE)
_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


# ---- what a value may be -------------------------------------------------------------------


def positive_int(value: Any) -> int:
    number = _number(value, int)
    if number < 1:
        raise ValueError(f"{value!r} is not a whole number of 1 or more")
    return number


def positive_number(value: Any) -> float:
    number = _number(value, float)
    if not number > 0:
        raise ValueError(f"{value!r} is not a number above 0")
    return number


def share(value: Any) -> float:
    """A share of the rate limit left unused: at least 0, below 1."""
    number = _number(value, float)
    if not 0 <= number < 1:
        raise ValueError(f"{value!r} is not a share from 0 up to (not including) 1, e.g. 0.1 for 10 %")
    return number


def text(value: Any) -> str:
    return str(value).strip()


def optional_text(value: Any) -> str | None:
    return str(value).strip() or None


def path(value: Any) -> Path:
    given = str(value).strip()
    if not given:
        raise ValueError("an empty path")
    return Path(given).expanduser()


def schema_name(value: Any) -> str:
    """A dataset or schema name that needs no quoting in any SQL engine."""
    name = str(value).strip()
    if not _SCHEMA_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a schema name (letters, digits and _, not starting with a digit)")
    return name


def memory_size(value: Any) -> str:
    """``512MB``, ``2 GB``, ``1.5GiB``: a size DuckDB's ``memory_limit`` understands."""
    size = str(value).strip()
    if not _MEMORY_SIZE.fullmatch(size):
        raise ValueError(f"{size!r} is not a size like 512MB or 2GB")
    return size


def currency(value: Any) -> str:
    code = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"{value!r} is not a three-letter currency code like EUR")
    return code


def one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    """A check that takes one of `choices`, case-insensitive, and gives it in lower case."""

    def check(value: Any) -> str:
        name = str(value).strip().lower()
        if name not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return name

    return check


discount_mode = one_of(DISCOUNT_MODES)
destination = one_of(DESTINATIONS)
api_choice = one_of(API_CHOICES)


def _number(value: Any, kind: type[int] | type[float]) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    try:
        number = kind(str(value).strip()) if isinstance(value, str) else kind(value)
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is None or not math.isfinite(number):
        raise ValueError(f"{value!r} is not a {'whole number' if kind is int else 'number'}")
    if kind is int and isinstance(value, float) and value != number:
        raise ValueError(f"{value!r} is not a whole number")
    return number


# ---- the settings --------------------------------------------------------------------------


def setting(
    default: Any,
    parse: Callable[[Any], Any],
    help: str,  # noqa: A002 - the word argparse uses
    *,
    flag: str | None = None,
    env: str | None = None,
    secret: bool = False,
) -> Any:
    """A field of `Settings`: its default, how a given value is read and checked, what it means."""
    return field(
        default=default,
        repr=not secret,
        metadata={"parse": parse, "help": help, "flag": flag, "env": env, "secret": secret},
    )


@dataclass(frozen=True)
class Settings:
    """The resolved settings of one command; see the module docstring for where each comes from."""

    instance_host: str | None = setting(
        None, optional_text, "the Xentral host, e.g. mycompany.xentral.biz or a custom domain",
        flag="--instance", env=HOST_ENV,
    )
    api_token: str | None = setting(
        None, optional_text, "a Personal Access Token of the instance", env=TOKEN_ENV, secret=True,
    )
    destination: str = setting(
        "duckdb", destination, "where the data lives: duckdb (the file) or postgres (credentials as dlt reads them)",
        flag="--destination",
    )
    duckdb_path: Path = setting(Path("xentral.duckdb"), path, "the DuckDB file", flag="--duckdb")
    dataset: str = setting("xentral", schema_name, "the schema of the raw tables", flag="--dataset")
    models_schema: str = setting("analytics", schema_name, "the schema of the SQL models")
    rate_limit: int = setting(100, positive_int, "requests per window, as agreed with Xentral", flag="--rate-limit")
    rate_window_seconds: float = setting(
        60.0, positive_number, "the rate limit's window in seconds", flag="--rate-window",
    )
    rate_headroom: float = setting(
        0.1, share, "share of the limit the sync leaves to other integrations", flag="--rate-headroom",
    )
    request_timeout: float = setting(30.0, positive_number, "seconds to wait for an answer")
    max_attempts: int = setting(5, positive_int, "attempts per GET on 5xx, timeouts and dropped connections")
    retry_backoff_seconds: float = setting(
        0.5, positive_number, "first wait before a retry; doubles per attempt, at most 30 s",
    )
    cursor_lag_seconds: int = setting(600, positive_int, "re-list this much before the last cursor")
    customer_refresh_days: int = setting(7, positive_int, "every customer's details are re-read this often")
    product_full_listing_days: int = setting(
        7, positive_int, "all products are listed (to flag vanished ones) this often",
    )
    order_full_listing_days: int = setting(
        7, positive_int, "all sales order ids are listed (to flag vanished ones) this often",
    )
    customer_full_listing_days: int = setting(
        7, positive_int, "through v3, all customers are listed (to flag vanished ones) this often",
    )
    api: str = setting(
        "auto", api_choice, "how sales orders and customers are read: auto (v3 where the instance has it), v1, v3",
        flag="--api",
    )
    rows_per_load: int = setting(
        5000, positive_int, "the sync loads after about this many fetched rows and goes on: flat memory",
        flag="--rows-per-load",
    )
    duckdb_memory_limit: str = setting(
        "64MB", memory_size, "DuckDB's memory while a sync loads; it spills the rest to disk",
    )
    default_project: str | None = setting(
        None, optional_text, "project of imported orders that name none (name, key or id)", flag="--project",
    )
    default_payment_method: str | None = setting(
        None, optional_text, "payment method of imported orders that name none", flag="--payment-method",
    )
    default_shipping_method: str | None = setting(
        None, optional_text, "shipping method of imported orders that name none", flag="--shipping-method",
    )
    default_currency: str = setting("EUR", currency, "currency of imported orders that name none")
    discount_mode: str = setting(
        "fraction", discount_mode, "how Xentral reads a position discount: fraction (10 % as 0.1) or percent (10)",
    )
    import_rate_headroom: float = setting(
        0.05, share, "share of the limit an import leaves to other integrations", flag="--rate-headroom",
    )
    import_ledger_path: Path | None = setting(
        None, path, "the import's ledger (SQLite); none: beside the DuckDB file, `xentral.import-ledger.sqlite`",
        flag="--ledger",
    )

    @property
    def pipelines_dir(self) -> Path:
        """dlt's working folder, beside the DuckDB file it belongs to."""
        return self.duckdb_path.parent / ".xentral-sync" / self.duckdb_path.stem

    @property
    def import_ledger_file(self) -> Path:
        """`import_ledger_path`, else beside the DuckDB file (`xentral.duckdb` -> `xentral.import-ledger.sqlite`)."""
        if self.import_ledger_path is not None:
            return self.import_ledger_path
        return self.duckdb_path.with_name(f"{self.duckdb_path.stem}.import-ledger.sqlite")

    @property
    def lock_path(self) -> Path:
        return self.duckdb_path.with_name(self.duckdb_path.name + ".lock")

    def require_instance(self) -> tuple[str, str]:
        """The host and the token, for commands that talk to Xentral; one line naming what is missing."""
        if not self.instance_host:
            raise ConfigError(
                f"no Xentral instance: pass --instance, set {HOST_ENV} (environment or .env), "
                f"or set instance_host under [{SECTION}] in {DLT_FOLDER}/config.toml"
            )
        if not self.api_token:
            raise ConfigError(
                f"no API token: set {TOKEN_ENV} (environment or .env), "
                f"or api_token under [{SECTION}] in {DLT_FOLDER}/secrets.toml"
            )
        return self.instance_host, self.api_token

    def token_source(self) -> str:
        """Where the token in use comes from, for error messages (never the token itself)."""
        return self._sources.get("api_token", "no token configured")

    _sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Where each value that is not a default came from."""


DEFAULTS = Settings()
"""Every setting at its default: the one place other modules read a default from."""


def setting_fields() -> list[Any]:
    """The settings' dataclass fields, in the order people read them (README, `.dlt/config.toml`)."""
    return [item for item in fields(Settings) if not item.name.startswith("_")]


def shown_default(value: Any) -> str:
    """A default as the README and `.dlt/config.toml` write it: `60` not `60.0`, `none` for no default."""
    if value is None:
        return "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def resolve_settings(
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    folder: Path | None = None,
) -> Settings:
    """The settings of one command: `flags` (None = not given) over the environment, `.env` and `.dlt/`.

    `folder` is the working folder holding `.env` and `.dlt/` (the current one by default).
    """
    flags = flags or {}
    environ = os.environ if environ is None else environ
    folder = Path.cwd() if folder is None else folder
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for item in setting_fields():
        found = _first_given(item, flags, environ, DotEnv(folder / ".env"), DltToml(folder / DLT_FOLDER))
        if found is None:
            continue
        values[item.name] = _parsed(item, *found)
        sources[item.name] = found[1]
    return replace(Settings(**values), _sources=sources)


def _parsed(item: Any, raw: Any, source: str) -> Any:
    """A given value read and checked; one line naming the setting and where it was given (not a secret's value)."""
    try:
        return item.metadata["parse"](raw)
    except ValueError as error:
        shown = "" if item.metadata["secret"] else f": {error}"
        raise ConfigError(f"setting {item.name} from {source} is not valid{shown}") from None


def configured_instances(
    base: Settings, environ: Mapping[str, str] | None = None, folder: Path | None = None
) -> dict[str, Settings]:
    """The instances `.dlt/config.toml` (or `secrets.toml`) names under `[sources.xentral.instances.<name>]`.

    Each is `base` with the keys of its table: `instance_host`, its token (`api_token` in
    `.dlt/secrets.toml`, or `api_token_env` naming a variable of the environment or `.env` that
    holds it), and any other sync key (`rate_limit`, ...) but the shared ones (`SHARED_KEYS`). Each
    key may also come from `SOURCES__XENTRAL__INSTANCES__<NAME>__<KEY>`. Its dataset and models
    schema default to the common ones with `_<name>` appended (`xentral_brand_a`, `analytics_brand_a`).
    The host and token of `base` (`XENTRAL_INSTANCE_HOST`, ...) never reach an instance.
    """
    environ = os.environ if environ is None else environ
    folder = Path.cwd() if folder is None else folder
    tables = DltToml(folder / DLT_FOLDER, INSTANCES_SECTION)
    dotenv = DotEnv(folder / ".env")
    names = dict.fromkeys([*tables.section("config.toml"), *tables.section("secrets.toml")])
    return {name: _instance(base, name, environ, dotenv, tables) for name in names}


def _instance(base: Settings, name: str, environ: Mapping[str, str], dotenv: DotEnv, tables: DltToml) -> Settings:
    where = f"[{INSTANCES_SECTION}.{name}]"
    try:
        schema_name(name)
    except ValueError as error:
        raise ConfigError(f"{where}: the instance's name names its dataset, and {error}") from None
    given = {file_name: tables.get(file_name, name) for file_name in ("secrets.toml", "config.toml")}
    if not all(isinstance(table, dict | None) for table in given.values()):
        raise ConfigError(f"{where} must be a table of keys (instance_host = ..., api_token_env = ...)")
    keys = {item.name for item in setting_fields()} - set(SHARED_KEYS) | {TOKEN_VARIABLE_KEY}
    unknown = sorted(set().union(*(table or {} for table in given.values())) - keys)
    if unknown:
        raise ConfigError(f"{where} has unknown key(s) {', '.join(unknown)}; "
                          f"an instance takes {', '.join(sorted(keys))}")
    values: dict[str, Any] = {"instance_host": None, "api_token": None,
                              "dataset": f"{base.dataset}_{name}", "models_schema": f"{base.models_schema}_{name}"}
    sources = {key: source for key, source in base._sources.items() if key in SHARED_KEYS}
    for item in setting_fields():
        found = _instance_value(name, item.name, environ, dotenv, given)
        if item.name in SHARED_KEYS or found is None:
            continue
        values[item.name] = _parsed(item, *found)
        sources[item.name] = found[1]
    variable = _instance_value(name, TOKEN_VARIABLE_KEY, environ, dotenv, given)
    if values["api_token"] is None and variable is not None:
        token_env = str(variable[0]).strip()
        values["api_token"] = optional_text(environ.get(token_env) or dotenv.get(token_env) or "")
        sources["api_token"] = f"{token_env} (api_token_env of {where})"
    if not values["instance_host"]:
        raise ConfigError(f"{where} names no instance_host: add instance_host = \"brand.xentral.biz\" to it")
    if not values["api_token"]:
        raise ConfigError(f"no API token for {where}: set {TOKEN_VARIABLE_KEY} to the name of a variable holding it "
                          f"(and set that variable), or api_token in {DLT_FOLDER}/secrets.toml")
    return replace(base, **values, _sources=sources)


def _instance_value(
    name: str, key: str, environ: Mapping[str, str], dotenv: DotEnv, given: Mapping[str, Mapping[str, Any] | None]
) -> tuple[Any, str] | None:
    """An instance's key: its dlt variable (environment, `.env`), then its table in secrets.toml, config.toml."""
    variable = f"{INSTANCE_ENV_PREFIX}{name.upper()}__{key.upper()}"
    candidates = [(environ.get(variable), f"{variable} in the environment"),
                  (dotenv.get(variable), f"{variable} in .env")]
    candidates += [((table or {}).get(key), f"{key} under [{INSTANCES_SECTION}.{name}] in {DLT_FOLDER}/{file_name}")
                   for file_name, table in given.items()]
    for value, source in candidates:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return value, source
    return None


def _first_given(
    item: Any, flags: Mapping[str, Any], environ: Mapping[str, str], dotenv: DotEnv, dlt_toml: DltToml
) -> tuple[Any, str] | None:
    """The first value given for a setting, with a description of where it was given."""
    for value, source in _candidates(item, flags, environ, dotenv, dlt_toml):
        if value is not None and (not isinstance(value, str) or value.strip()):
            return value, source
    return None


def _candidates(
    item: Any, flags: Mapping[str, Any], environ: Mapping[str, str], dotenv: DotEnv, dlt_toml: DltToml
) -> Iterator[tuple[Any, str]]:
    """Where a setting may be given, in the order of precedence; values are read lazily."""
    name, flag, env = item.name, item.metadata["flag"], item.metadata["env"]
    dlt_env = ENV_PREFIX + name.upper()
    yield flags.get(name), f"the flag {flag}" if flag else "the command line"
    for variable in (env, dlt_env):
        if variable:
            yield environ.get(variable), f"{variable} in the environment"
    for variable in (env, dlt_env):
        if variable:
            yield dotenv.get(variable), f"{variable} in .env"
    for file_name in ("secrets.toml", "config.toml"):
        yield dlt_toml.get(file_name, name), f"{name} under [{SECTION}] in {DLT_FOLDER}/{file_name}"


class DotEnv:
    """A `.env` file, read on first use (most commands find everything before it)."""

    def __init__(self, file: Path) -> None:
        self._file = file
        self._values: Mapping[str, str | None] | None = None

    def get(self, name: str) -> str | None:
        if self._values is None:
            self._values = dotenv_values(self._file) if self._file.is_file() else {}
        return self._values.get(name)


class DltToml:
    """One section (`[sources.xentral]` unless told) of `.dlt/secrets.toml` and `.dlt/config.toml`, read when used."""

    def __init__(self, folder: Path, section: str = SECTION) -> None:
        self._folder = folder
        self._section = section
        self._sections: dict[str, Mapping[str, Any]] = {}

    def get(self, file_name: str, name: str) -> Any:
        return self.section(file_name).get(name)

    def section(self, file_name: str) -> Mapping[str, Any]:
        if file_name not in self._sections:
            self._sections[file_name] = self._read(self._folder / file_name, self._section)
        return self._sections[file_name]

    @staticmethod
    def _read(file: Path, wanted: str) -> Mapping[str, Any]:
        if not file.is_file():
            return {}
        try:
            document = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{file} is not valid TOML: {error}; fix or remove it") from None
        section: Any = document
        for part in wanted.split("."):
            section = section.get(part, {}) if isinstance(section, dict) else {}
        return section if isinstance(section, dict) else {}
