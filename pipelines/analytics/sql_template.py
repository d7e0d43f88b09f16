"""The three expansions a SQL file in `sql/` may use, so that it names no schema itself.

- `{{ source('sales_orders') }}`: a raw table the sync wrote, in the dataset (raw schema);
- `{{ ref('fct_orders') }}`: another model, in the models schema (the build order follows these);
- `{{ money('net_sales__amount') }}`: an amount as DECIMAL(18, 2).

Plain substitution, like dbt's `source`, `ref` and a macro, without a template engine. Names come
out fully qualified and quoted, so the same files run whatever the DuckDB file, the dataset and
the models schema are called (in `xentral.duckdb` an unqualified `xentral.sales_orders` is
ambiguous: DuckDB names the file's catalog `xentral` too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from pipelines.analytics.errors import ModelError

_EXPANSION = re.compile(r"\{\{\s*(\w+)\(\s*'([^']*)'\s*\)\s*\}\}")


@dataclass(frozen=True)
class Namespace:
    """Where models read raw tables and where they are built."""

    raw_schema: str
    """The dataset the sync writes (`xentral` by default)."""
    models_schema: str
    """Where the models are built (`analytics` by default)."""
    catalog: str | None = None
    """DuckDB's name for the open file (its stem); None on engines whose names need no catalog."""

    def source(self, table: str) -> str:
        return self.qualified(self.raw_schema, table)

    def ref(self, model: str) -> str:
        return self.qualified(self.models_schema, model)

    def qualified(self, *names: str) -> str:
        """`"catalog"."schema"."name"`: unambiguous whatever the names are."""
        parts = (self.catalog, *names) if self.catalog else names
        return ".".join(quote(part) for part in parts)

    @property
    def holds_views(self) -> bool:
        """Whether a model may be a view here.

        DuckDB stores a view's query without its own catalog, so a view reading a schema named
        like the file (`xentral` in `xentral.duckdb`) could never be read again: such models are
        built as tables instead.
        """
        return self.catalog is None or self.catalog.lower() not in {
            self.raw_schema.lower(), self.models_schema.lower()}


def namespace_for(connection: duckdb.DuckDBPyConnection, raw_schema: str, models_schema: str) -> Namespace:
    """The namespace on this connection; the one place that knows how engines qualify names.

    DuckDB: three-part names with the connection's current catalog. Other engines (PostgreSQL)
    get schema-qualified names.
    """
    if isinstance(connection, duckdb.DuckDBPyConnection):
        catalog = connection.execute("select current_database()").fetchone()[0]
        return Namespace(raw_schema, models_schema, catalog)
    return Namespace(raw_schema, models_schema)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def money(column: str) -> str:
    """An amount as DECIMAL(18, 2) in the row's currency, limited to 999,999,999.99.

    Raw amounts are DECIMAL(38, 9); they pass through DECIMAL(18, 9) on the way because DuckDB
    rounds a 128-bit decimal much more slowly than a 64-bit one.
    """
    return f"cast(cast({column} as decimal(18, 9)) as decimal(18, 2))"


def render(sql: str, namespace: Namespace, origin: str) -> str:
    """The SQL with every expansion replaced; `origin` names the file in errors."""

    def expand(match: re.Match[str]) -> str:
        function, argument = match.groups()
        if function == "source":
            return namespace.source(argument)
        if function == "ref":
            return namespace.ref(argument)
        if function == "money":
            return money(argument)
        raise ModelError(f"{origin}: unknown expansion {match.group(0)}; use source(), ref() or money()")

    return _EXPANSION.sub(expand, sql)


def expanded_names(sql: str, function: str) -> set[str]:
    """The arguments of every `{{ function('...') }}` in the SQL: the models or sources it reads."""
    return {argument.lower() for name, argument in _EXPANSION.findall(sql) if name == function}
