"""The one interface the models and the report talk to, over DuckDB (the file) and PostgreSQL.

Open, run a statement with its parameters and fetch, a transaction, the tables of a schema, how
names are qualified (`namespace`), and how a model replaces its previous build (`materialize`).
The SQL itself is the same on both: `sql_template` renders the one construct that differs, and
parameters are written `$name` (DuckDB's spelling; PostgreSQL's driver gets `%(name)s`).
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import duckdb
import psycopg2

from pipelines.analytics.duckdb_file import connect_existing
from pipelines.analytics.sql_template import DUCKDB, POSTGRES, Namespace
from pipelines.postgres import connect_postgres, resolve_postgres_credentials
from pipelines.settings import Settings

_PARAMETER = re.compile(r"\$(\w+)")


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


class Database(ABC):
    """A connection to one engine; transactions are explicit (`transaction()`), else every statement commits."""

    dialect: ClassVar[str]
    errors: ClassVar[tuple[type[Exception], ...]]
    """What a statement that fails raises."""

    def __init__(self, connection: Any, where: str) -> None:
        self.connection = connection
        self.where = where
        """The file or the server, for messages (never a password)."""

    @abstractmethod
    def run(self, sql: str, parameters: Mapping[str, Any] | None = None) -> Result:
        """Run one statement and fetch all its rows."""

    @abstractmethod
    def namespace(self, raw_schema: str, models_schema: str) -> Namespace:
        """How the SQL names raw tables and models here."""

    @abstractmethod
    def materialize(self, namespace: Namespace, name: str, kind: str, query: str) -> None:
        """Replace the model `name` with `query`'s result, as a TABLE or a VIEW, inside the build's transaction."""

    def execute(self, sql: str) -> None:
        self.run(sql)

    @abstractmethod
    def lock_models(self, namespace: Namespace) -> None:
        """Keep other builds of the same models out until this one's transaction ends."""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together, or not at all."""
        self.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def tables_in(self, schema: str) -> dict[str, str]:
        """The tables and views of `schema` in this database: lower-cased name -> TABLE or VIEW."""
        rows = self.run("SELECT table_name, table_type FROM information_schema.tables "
                        "WHERE table_schema = $schema AND table_catalog = current_database()", {"schema": schema}).rows
        return {name.lower(): "VIEW" if kind == "VIEW" else "TABLE" for name, kind in rows}

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class DuckDBDatabase(Database):
    dialect = DUCKDB
    errors = (duckdb.Error,)

    def run(self, sql: str, parameters: Mapping[str, Any] | None = None) -> Result:
        cursor = self.connection.execute(sql, parameters)
        if cursor.description is None:
            return Result([], [])
        return Result([column[0] for column in cursor.description], cursor.fetchall())

    def namespace(self, raw_schema: str, models_schema: str) -> Namespace:
        """Three-part names: the open file's catalog is named after it, and may be named like a schema."""
        catalog = self.run("select current_database()").rows[0][0]
        return Namespace(raw_schema, models_schema, catalog, DUCKDB)

    def lock_models(self, namespace: Namespace) -> None:
        """Nothing to do: one process at a time writes a DuckDB file."""

    def materialize(self, namespace: Namespace, name: str, kind: str, query: str) -> None:
        """CREATE OR REPLACE: DuckDB's transaction keeps readers of the same file on the previous build."""
        existing = self.tables_in(namespace.models_schema).get(name)
        if existing and existing != kind:
            self.execute(f"DROP {existing} {namespace.ref(name)}")
        self.execute(f"CREATE OR REPLACE {kind} {namespace.ref(name)} AS {query}")


class PostgresDatabase(Database):
    """PostgreSQL: models are refreshed in place, so readers are never locked out (see `materialize`)."""

    dialect = POSTGRES
    errors = (psycopg2.Error,)
    _SHAPE = "xentral_sync_shape"

    def run(self, sql: str, parameters: Mapping[str, Any] | None = None) -> Result:
        with self.connection.cursor() as cursor:
            if parameters is None:
                cursor.execute(sql)
            else:
                cursor.execute(_PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%")), dict(parameters))
            if cursor.description is None:
                return Result([], [])
            return Result([column[0] for column in cursor.description], cursor.fetchall())

    def namespace(self, raw_schema: str, models_schema: str) -> Namespace:
        return Namespace(raw_schema, models_schema, None, POSTGRES)

    def materialize(self, namespace: Namespace, name: str, kind: str, query: str) -> None:
        """Refresh in place, taking no lock that waits for readers or makes them wait.

        A table whose columns stay the same gets its rows replaced (DELETE, INSERT): a reader sees
        the previous rows until the build commits, even one that holds a transaction open all the
        while, and views people built on the table stay. A view whose query is unchanged is left
        alone. Only a model whose columns changed (a new version of the models) is dropped and
        created again, with whatever was built on it (our own views are rebuilt after it).
        """
        existing = self.tables_in(namespace.models_schema).get(name)
        target = namespace.ref(name)
        if kind == "TABLE" and existing == "TABLE" and self._same_columns(target, query):
            self.execute(f"DELETE FROM {target}")
            self.execute(f"INSERT INTO {target} {query}")
            return
        fingerprint = "xentral-sync " + hashlib.sha256(query.encode("utf-8")).hexdigest()
        if kind == "VIEW" and existing == "VIEW" and self._comment(target) == fingerprint:
            return
        if existing:
            self.execute(f"DROP {existing} {target} CASCADE")
        self.execute(f"CREATE {kind} {target} AS {query}")
        if kind == "VIEW":
            self.execute(f"COMMENT ON VIEW {target} IS '{fingerprint}'")

    def lock_models(self, namespace: Namespace) -> None:
        key = f"xentral-sync models {namespace.models_schema}"
        self.run("SELECT pg_advisory_xact_lock(hashtext($key))", {"key": key})

    def _same_columns(self, target: str, query: str) -> bool:
        """Whether the query yields the table's columns with the same types (planned, not run)."""
        self.execute(f"CREATE TEMPORARY TABLE {self._SHAPE} AS {query} WITH NO DATA")
        try:
            return self._columns(target) == self._columns(self._SHAPE)
        finally:
            self.execute(f"DROP TABLE {self._SHAPE}")

    def _columns(self, relation: str) -> list[tuple[Any, ...]]:
        return self.run("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                        "WHERE attrelid = $relation::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                        {"relation": relation}).rows

    def _comment(self, target: str) -> str | None:
        return self.run("SELECT obj_description($relation::regclass, 'pg_class')", {"relation": target}).rows[0][0]


def open_database(settings: Settings, *, read_only: bool = False) -> Database:
    """The database `settings.destination` names: the DuckDB file (which must exist) or the PostgreSQL server."""
    if settings.destination == POSTGRES:
        credentials = resolve_postgres_credentials()
        return PostgresDatabase(connect_postgres(credentials, read_only=read_only), f"PostgreSQL {credentials.shown}")
    return DuckDBDatabase(connect_existing(settings.duckdb_path, read_only=read_only), str(settings.duckdb_path))


def wrap(connection: Any) -> Database:
    """A connection opened elsewhere (tests, benchmarks), DuckDB or psycopg2."""
    if isinstance(connection, duckdb.DuckDBPyConnection):
        return DuckDBDatabase(connection, "DuckDB")
    connection.autocommit = True
    return PostgresDatabase(connection, "PostgreSQL")
