"""The expansions a SQL file in `sql/` may use, so that it names no schema and runs on every engine.

- `{{ source('sales_orders') }}`: a raw table the sync wrote, in the dataset (raw schema);
- `{{ ref('fct_orders') }}`: another model, in the models schema (the build order follows these);
- `{{ money('net_sales__amount') }}`: an amount as DECIMAL(18, 2);
- `{{ ratio('net_revenue', 'orders', 2) }}`: numerator / denominator as DECIMAL(18, 2), rounded half
  away from zero from the exact quotient (NULL when the denominator is 0 or NULL).

Plain substitution, like dbt's `source`, `ref` and a macro, without a template engine. Names come
out fully qualified and quoted, so the same files run whatever the DuckDB file or PostgreSQL
database, the dataset and the models schema are called (in `xentral.duckdb` an unqualified
`xentral.sales_orders` is ambiguous: DuckDB names the file's catalog `xentral` too).

`ratio` is the one construct the engines spell differently: DuckDB divides decimals as DOUBLE, so
about one average in a hundred would round to the other cent than PostgreSQL's exact NUMERIC.
Both divide whole numbers instead (DuckDB `//` on HUGEINT, PostgreSQL `div()` on NUMERIC).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.analytics.errors import ModelError

DUCKDB, POSTGRES = "duckdb", "postgres"
_EXPANSION = re.compile(r"\{\{\s*(\w+)\(\s*((?:'[^']*'|\d+)(?:\s*,\s*(?:'[^']*'|\d+))*)\s*\)\s*\}\}")
_COLUMN = re.compile(r"\w+(\.\w+)?")
_SCALED = 10**9
"""DuckDB scales both operands of a ratio to whole numbers by this: exact for up to 9 decimals."""


@dataclass(frozen=True)
class Namespace:
    """Where models read raw tables and where they are built, and the engine that reads the SQL."""

    raw_schema: str
    """The dataset the sync writes (`xentral` by default)."""
    models_schema: str
    """Where the models are built (`analytics` by default)."""
    catalog: str | None = None
    """DuckDB's name for the open file (its stem); None on engines whose names need no catalog."""
    dialect: str = DUCKDB

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


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def money(column: str) -> str:
    """An amount as DECIMAL(18, 2) in the row's currency, limited to 999,999,999.99.

    Raw amounts are DECIMAL(38, 9); they pass through DECIMAL(18, 9) on the way because DuckDB
    rounds a 128-bit decimal much more slowly than a 64-bit one.
    """
    return f"cast(cast({column} as decimal(18, 9)) as decimal(18, 2))"


def ratio(numerator: str, denominator: str, scale: int, dialect: str) -> str:
    """numerator / denominator as DECIMAL(18, scale), exactly rounded, half away from zero.

    |n| * 10^(scale+1) divided by |d| in whole numbers (truncated: the floor), plus 5, divided by
    10: half up on the exact quotient; the signs are put back afterwards.
    """
    unit = "1" if scale == 0 else "0." + "0" * (scale - 1) + "1"
    if dialect == DUCKDB:
        whole_n = f"abs(cast(cast({numerator} as decimal(38, 9)) * {_SCALED} as hugeint))"
        whole_d = f"abs(cast(cast(nullif({denominator}, 0) as decimal(38, 9)) * {_SCALED} as hugeint))"
        rounded = f"(({whole_n} * {10 ** (scale + 1)} // {whole_d}) + 5) // 10"
    else:
        rounded = f"div(div(abs({numerator}) * {10 ** (scale + 1)}, abs(nullif({denominator}, 0))) + 5, 10)"
    return f"cast(sign({numerator}) * sign({denominator}) * {rounded} * {unit} as decimal(18, {scale}))"


def render(sql: str, namespace: Namespace, origin: str) -> str:
    """The SQL with every expansion replaced; `origin` names the file in errors."""

    def expand(match: re.Match[str]) -> str:
        function, arguments = match.group(1), _arguments(match.group(2))
        if function in ("source", "ref", "money") and len(arguments) == 1:
            return {"source": namespace.source, "ref": namespace.ref, "money": money}[function](arguments[0])
        if function == "ratio" and len(arguments) == 3 and all(_COLUMN.fullmatch(name) for name in arguments[:2]) \
                and arguments[2].isdigit():
            return ratio(arguments[0], arguments[1], int(arguments[2]), namespace.dialect)
        raise ModelError(f"{origin}: unknown expansion {match.group(0)}; use source('table'), ref('model'), "
                         "money('column') or ratio('numerator', 'denominator', scale)")

    return _EXPANSION.sub(expand, sql)


def expanded_names(sql: str, function: str) -> set[str]:
    """The arguments of every `{{ function('...') }}` in the SQL: the models or sources it reads."""
    return {_arguments(arguments)[0].lower() for name, arguments in _EXPANSION.findall(sql) if name == function}


def _arguments(listed: str) -> list[str]:
    return [argument.strip().strip("'") for argument in listed.split(",")]
