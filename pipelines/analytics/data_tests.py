"""Data tests: queries over the models that must return no rows.

Two kinds, as in dbt. Generic tests are declared one line per rule in `sql/tests/generic.toml`
and their queries generated here:

    [fct_orders]
    unique = ["order_id"]                     # each entry one key; "customer_id, currency" joins columns
    not_null = ["order_id", "customer_id"]
    accepted_values.status = ["created", "released", "completed", "canceled", "unknown"]
    relationships.customer_id = "stg_xentral__customers.customer_id"
    relationships.product_id = { to = "stg_xentral__products.product_id", severity = "warn" }

Expression tests (totals equal, net = sum of positions, ...) are SQL files in `sql/tests/`,
named `<model>__<rule>.sql`. A test with severity warn (declared, or a file holding the line
`-- severity: warn`) is reported without failing the build.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.analytics.errors import ModelError
from pipelines.analytics.sql_template import expanded_names, quote

GENERIC_TESTS_FILE = "generic.toml"
_WARN = re.compile(r"^\s*--\s*severity:\s*warn\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class DataTest:
    name: str
    sql: str
    """The query, with `{{ ref('model') }}` for the models it reads."""
    is_warning: bool = False

    @property
    def models(self) -> list[str]:
        return sorted(expanded_names(self.sql, "ref"))


def discover_tests(tests_dir: Path) -> list[DataTest]:
    """The declared tests and the SQL-file tests, by name."""
    declared = tests_dir / GENERIC_TESTS_FILE
    tests = declared_tests(declared) if declared.exists() else []
    for path in sorted(tests_dir.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        tests.append(DataTest(path.stem, sql, bool(_WARN.search(sql))))
    return sorted(tests, key=lambda test: test.name)


def declared_tests(path: Path) -> list[DataTest]:
    try:
        declarations = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ModelError(f"{path.name} is not valid TOML: {error}") from None
    tests = []
    for model, rules in declarations.items():
        for kind, spec in _table(rules, f"[{model}]", path).items():
            generate = _GENERATORS.get(kind)
            if generate is None:
                raise ModelError(f"{path.name}: [{model}] declares unknown test {kind!r}; "
                                 f"use {', '.join(_GENERATORS)}")
            tests.extend(generate(model, spec, f"[{model}] {kind}", path))
    return tests


def _unique(model: str, keys: Any, where: str, path: Path) -> Iterator[DataTest]:
    for key in _names(keys, where, path):
        columns = [column.strip() for column in key.split(",")]
        listed = ", ".join(quote(column) for column in columns)
        yield DataTest(f"{model}__{'__'.join(columns)}__unique",
                       f"select {listed}, count(*) as rows_with_key from {_ref(model)} "
                       f"group by {listed} having count(*) > 1")


def _not_null(model: str, columns: Any, where: str, path: Path) -> Iterator[DataTest]:
    for column in _names(columns, where, path):
        yield DataTest(f"{model}__{column}__not_null", f"select * from {_ref(model)} where {quote(column)} is null")


def _accepted_values(model: str, spec: Any, where: str, path: Path) -> Iterator[DataTest]:
    for column, values in _table(spec, where, path).items():
        accepted = ", ".join(_literal(value) for value in _names(values, f"{where}.{column}", path))
        yield DataTest(f"{model}__{column}__accepted_values",
                       f"select {quote(column)}, count(*) as rows_with_value from {_ref(model)} "
                       f"where {quote(column)} not in ({accepted}) group by {quote(column)}")


def _relationships(model: str, spec: Any, where: str, path: Path) -> Iterator[DataTest]:
    """Every non-NULL value of the column is a key of the other model (`model.column`)."""
    for column, target in _table(spec, where, path).items():
        options = target if isinstance(target, dict) else {"to": target}
        parent, _, parent_column = str(options.get("to", "")).partition(".")
        if not parent_column:
            raise ModelError(f"{path.name}: {where}.{column} must name the other model's column as model.column")
        yield DataTest(
            f"{model}__{column}__relationships",
            f"select * from {_ref(model)} as child where child.{quote(column)} is not null and not exists "
            f"(select 1 from {_ref(parent)} as parent where parent.{quote(parent_column)} = child.{quote(column)})",
            is_warning=options.get("severity") == "warn",
        )


_GENERATORS: dict[str, Callable[[str, Any, str, Path], Iterator[DataTest]]] = {
    "unique": _unique,
    "not_null": _not_null,
    "accepted_values": _accepted_values,
    "relationships": _relationships,
}


def _ref(model: str) -> str:
    return "{{ ref('" + model + "') }}"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _names(value: Any, where: str, path: Path) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(name, str) and name for name in value):
        raise ModelError(f"{path.name}: {where} must be a list of names")
    return value


def _table(value: Any, where: str, path: Path) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ModelError(f"{path.name}: {where} must be a table of column = ...")
    return value
