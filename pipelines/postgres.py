"""PostgreSQL as the destination: its credentials, spelled dlt's way, and connecting with one clear line per mistake.

The credentials are dlt's own (`pipelines.xentral` hands the same ones to dlt's postgres
destination), looked up in dlt's order without importing dlt, so `report` starts without it:

- `DESTINATION__POSTGRES__CREDENTIALS="postgresql://USER:PASSWORD@HOST:5432/DATABASE"` in the
  environment or `.env`, or one variable per part (`DESTINATION__POSTGRES__CREDENTIALS__PASSWORD`, ...);
- `credentials = "postgresql://..."` under `[destination.postgres]` in `.dlt/secrets.toml`
  (or `.dlt/config.toml`), or a table `[destination.postgres.credentials]` with
  `database`, `username`, `password`, `host`, `port`.

A host that is a folder (`/var/run/postgresql`, written `%2Fvar%2Frun%2Fpostgresql` in a URI) is a
Unix socket, as in libpq and dlt.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import psycopg2

from pipelines.api.errors import ConfigError
from pipelines.settings import DLT_FOLDER, DltToml, DotEnv

ENV = "DESTINATION__POSTGRES__CREDENTIALS"
SECTION = "destination.postgres"
PARTS = ("database", "username", "password", "host", "port")
CONNECT_TIMEOUT_SECONDS = 15
"""dlt's default for its postgres destination."""
URI_SHAPE = "postgresql://USER:PASSWORD@HOST:5432/DATABASE"
_SCHEMES = ("postgresql", "postgres")
_PREAMBLE = re.compile(r"^(connection to server .*? failed:\s*)?(FATAL:\s*)?")


@dataclass(frozen=True)
class PostgresCredentials:
    """Where to connect, as a URI libpq, psycopg2 and dlt all read, and which setting gave it."""

    uri: str
    source: str
    """Names the setting for people: `DESTINATION__POSTGRES__CREDENTIALS in the environment`, ..."""

    @property
    def shown(self) -> str:
        """The URI without its password, for messages and logs."""
        return re.sub(r"(//[^:/@]*):[^@]*@", r"\1:***@", self.uri)

    @property
    def database(self) -> str:
        return unquote(urlsplit(self.uri).path.lstrip("/"))

    @property
    def user(self) -> str:
        return unquote(urlsplit(self.uri).username or "")

    @property
    def server(self) -> str:
        """`host:port` (or the socket folder) for messages."""
        parts = urlsplit(self.uri)
        host = parts.netloc.rpartition("@")[2].removesuffix(f":{parts.port}" if parts.port else "")
        return f"{unquote(host) or 'localhost'}:{parts.port or 5432}"


def resolve_postgres_credentials(
    environ: Mapping[str, str] | None = None, folder: Path | None = None
) -> PostgresCredentials:
    """The credentials given in dlt's places, checked for shape (not yet connected); one line when absent or bad.

    `environ` and `folder` (holding `.env` and `.dlt/`) default to the process's, as in `resolve_settings`.
    """
    environ = os.environ if environ is None else environ
    folder = Path.cwd() if folder is None else folder
    dotenv, dlt_toml = DotEnv(folder / ".env"), DltToml(folder / DLT_FOLDER, SECTION)
    for variables, source in ((environ, "the environment"), (dotenv, ".env")):
        if uri := (variables.get(ENV) or "").strip():
            return _checked(uri, f"{ENV} in {source}")
        parts = {part: variables.get(f"{ENV}__{part.upper()}") for part in PARTS}
        if any(parts.values()):
            return _checked(_uri_of(parts), f"{ENV}__<PART> in {source}")
    for file_name in ("secrets.toml", "config.toml"):
        value = dlt_toml.get(file_name, "credentials")
        if isinstance(value, str) and value.strip():
            return _checked(value.strip(), f"credentials under [{SECTION}] in {DLT_FOLDER}/{file_name}")
        if isinstance(value, dict):
            return _checked(_uri_of(value), f"[{SECTION}.credentials] in {DLT_FOLDER}/{file_name}")
    raise ConfigError(f"no PostgreSQL credentials: set {ENV}={URI_SHAPE} (environment or .env), or credentials "
                      f"under [{SECTION}] in {DLT_FOLDER}/secrets.toml; or use --destination duckdb")


def _uri_of(parts: Mapping[str, Any]) -> str:
    """A URI from dlt's parts (`database`, `username`, `password`, `host`, `port`)."""
    user = quote(str(parts.get("username") or ""), safe="")
    password = parts.get("password")
    login = f"{user}:{quote(str(password), safe='')}@" if password else (f"{user}@" if user else "")
    host = quote(str(parts.get("host") or ""), safe="")
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{login}{host}{port}/{quote(str(parts.get('database') or ''), safe='')}"


def _checked(uri: str, source: str) -> PostgresCredentials:
    credentials = PostgresCredentials(uri, source)
    fix = f"write it as {URI_SHAPE}"
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as error:
        raise ConfigError(f"{source} is not a PostgreSQL URI ({error}): {fix}") from None
    if parts.scheme not in _SCHEMES:
        raise ConfigError(f"{source} is not a PostgreSQL URI (it must start postgresql://): {fix}")
    if not parts.hostname and "host=" not in parts.query:
        raise ConfigError(f"{source} names no server: {fix}")
    if not credentials.database:
        raise ConfigError(f"{source} names no database ({credentials.shown}): {fix}")
    return credentials


def connect_postgres(credentials: PostgresCredentials, *, read_only: bool = False) -> Any:
    """An autocommit psycopg2 connection (transactions are explicit); one line naming the setting when refused."""
    try:
        connection = psycopg2.connect(credentials.uri, connect_timeout=CONNECT_TIMEOUT_SECONDS,
                                      application_name="xentral-sync")
    except psycopg2.ProgrammingError as error:  # libpq could not read the URI
        raise ConfigError(f"{credentials.source} is not a PostgreSQL URI ({libpq_reason(error)}): "
                          f"write it as {URI_SHAPE}") from None
    except psycopg2.OperationalError as error:
        raise ConfigError(_refusal(credentials, libpq_reason(error))) from None
    connection.set_session(readonly=read_only, autocommit=True)
    return connection


def check_postgres(credentials: PostgresCredentials) -> None:
    """Connect once and leave: for the sync, before it fetches anything. Raises ConfigError (exit 2)."""
    connect_postgres(credentials).close()


def _refusal(credentials: PostgresCredentials, reason: str) -> str:
    where, source = credentials.server, credentials.source
    if "password" in reason or "authentication failed" in reason or re.search(r'role ".*" does not exist', reason):
        return (f"PostgreSQL at {where} refused user {credentials.user!r} and its password: "
                f"fix the user and password in {source}")
    if re.search(r'database ".*" does not exist', reason):
        return (f"PostgreSQL at {where} has no database {credentials.database!r}: create it "
                f"(createdb {credentials.database}) or name an existing one in {source}")
    return f"cannot reach PostgreSQL at {where} ({reason}): start the server, or fix the host and port in {source}"


def libpq_reason(error: BaseException) -> str:
    """libpq's reason without its preamble: `Connection refused`, `password authentication failed ...`."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    return _PREAMBLE.sub("", lines[0]).strip()


def dlt_destination(credentials: PostgresCredentials) -> Any:
    """dlt's postgres destination for these credentials (imports dlt: for the sync, not the report)."""
    import dlt

    return dlt.destinations.postgres(credentials=_host_in_authority(credentials.uri))


def _host_in_authority(uri: str) -> str:
    """`postgresql://user@/db?host=/run/postgresql` as `postgresql://user@%2Frun%2Fpostgresql/db`.

    libpq takes the host from the query too; dlt needs it in the authority.
    """
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    hosts = [value for key, value in query if key == "host"]
    if parts.hostname or not hosts:
        return uri
    login, _, address = parts.netloc.rpartition("@")
    rest = urlencode([(key, value) for key, value in query if key != "host"])
    netloc = f"{login}@" if login else ""
    return urlunsplit(parts._replace(netloc=f"{netloc}{quote(hosts[0], safe='')}{address}", query=rest))
