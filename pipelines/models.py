"""Build the SQL models in `sql/` against the DuckDB file, in dependency order, then run data tests.

A model is one `.sql` file holding one SELECT; it becomes the table `analytics.<file name>`
(a view if the file holds the line `-- materialized: view`).
Models refer to each other as `analytics.<name>`, which is how the build order is found.
A data test is a query in `sql/tests/` that must return no rows; one whose text holds the
line `-- severity: warn` is reported without failing the build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import duckdb

MODELS_SCHEMA = "analytics"
RAW_SCHEMA = "xentral"
DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "sql"
_REFERENCE = re.compile(rf"\b{MODELS_SCHEMA}\.(\w+)", re.IGNORECASE)
_RAW_REFERENCE = re.compile(rf"\b{RAW_SCHEMA}\.(\w+)", re.IGNORECASE)
_WARN = re.compile(r"^\s*--\s*severity:\s*warn\b", re.IGNORECASE | re.MULTILINE)
_VIEW = re.compile(r"^\s*--\s*materialized:\s*view\b", re.IGNORECASE | re.MULTILINE)
SAMPLE_ROWS = 5
"""Offending rows shown per failing data test."""


def referenced_models(sql: str) -> set[str]:
    """The models a query reads (`analytics.<name>`)."""
    return {name.lower() for name in _REFERENCE.findall(sql)}


class ModelError(Exception):
    """A model that does not build; names the file and DuckDB's reason."""


@dataclass(frozen=True)
class Model:
    name: str
    path: Path
    sql: str

    @property
    def references(self) -> set[str]:
        return referenced_models(self.sql) - {self.name}

    @property
    def raw_tables(self) -> set[str]:
        return {name.lower() for name in _RAW_REFERENCE.findall(self.sql)}

    @property
    def is_view(self) -> bool:
        return bool(_VIEW.search(self.sql))


@dataclass(frozen=True)
class BuildReport:
    built: list[str]
    skipped: dict[str, str]
    """Models not built because a table they read was never synced, with that table."""


@dataclass(frozen=True)
class DataTestFailure:
    name: str
    models: list[str]
    """The models the test reads, so a failure names what to look at."""
    failing_rows: int
    columns: list[str]
    sample: list[tuple[Any, ...]]
    """The first few offending rows."""
    is_warning: bool = False
    """A `-- severity: warn` test: reported, does not fail the build."""


def discover(models_dir: Path) -> dict[str, Model]:
    """Every model file under `models_dir`, data tests excluded."""
    tests_dir = models_dir / "tests"
    models = {}
    for path in sorted(models_dir.rglob("*.sql")):
        if tests_dir in path.parents:
            continue
        models[path.stem.lower()] = Model(path.stem.lower(), path, path.read_text(encoding="utf-8"))
    return models


def build_order(models: dict[str, Model]) -> list[Model]:
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for name in sorted(models):
        sorter.add(name, *sorted(models[name].references & models.keys()))
    try:
        return [models[name] for name in sorter.static_order()]
    except CycleError as cycle:
        raise ModelError(f"models refer to each other in a cycle: {' -> '.join(cycle.args[1])}") from None


def build_models(connection: duckdb.DuckDBPyConnection, models_dir: Path = DEFAULT_MODELS_DIR) -> BuildReport:
    """Build every model in one transaction: analysts never see half a rebuild.

    A model reading a raw table that was never synced (say only products were), and the
    models built on it, are skipped rather than failed.
    """
    synced = _raw_tables(connection)
    report = BuildReport(built=[], skipped={})
    connection.execute("BEGIN TRANSACTION")
    try:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {MODELS_SCHEMA}")
        for model in build_order(discover(models_dir)):
            missing = sorted(model.raw_tables - synced) + sorted(model.references & report.skipped.keys())
            if missing:
                report.skipped[model.name] = missing[0]
                continue
            _build(connection, model)
            report.built.append(model.name)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return report


def _raw_tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    rows = connection.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [RAW_SCHEMA]
    ).fetchall()
    return {name for (name,) in rows}


def run_data_tests(
    connection: duckdb.DuckDBPyConnection, report: BuildReport, models_dir: Path = DEFAULT_MODELS_DIR
) -> list[DataTestFailure]:
    """Run every query in `sql/tests/` whose models were built; each returned row is a failure."""
    failures = []
    for path in sorted((models_dir / "tests").glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        models = sorted(referenced_models(sql))
        if set(models) & report.skipped.keys():
            continue
        failure = _run_data_test(connection, path, sql, models)
        if failure:
            failures.append(failure)
    return failures


def _run_data_test(
    connection: duckdb.DuckDBPyConnection, path: Path, sql: str, models: list[str]
) -> DataTestFailure | None:
    try:
        result = connection.execute(f"SELECT * FROM ({_select(sql)}\n) AS failing LIMIT {SAMPLE_ROWS}")
        sample = result.fetchall()
        columns = [column[0] for column in result.description or []]
        if not sample:
            return None
        counted = connection.execute(f"SELECT count(*) FROM ({_select(sql)}\n) AS failing").fetchone()
    except duckdb.Error as error:
        raise ModelError(f"data test {path.name} does not run: {error}") from None
    return DataTestFailure(
        name=path.stem,
        models=models,
        failing_rows=int(counted[0]) if counted else len(sample),
        columns=columns,
        sample=sample,
        is_warning=bool(_WARN.search(sql)),
    )


def _build(connection: duckdb.DuckDBPyConnection, model: Model) -> None:
    kind = "VIEW" if model.is_view else "TABLE"
    try:
        _drop_if_other_kind(connection, model.name, kind)
        connection.execute(f"CREATE OR REPLACE {kind} {MODELS_SCHEMA}.{model.name} AS {_select(model.sql)}")
    except duckdb.Error as error:
        raise ModelError(f"model {model.path.name} does not build: {error}") from None


def _drop_if_other_kind(connection: duckdb.DuckDBPyConnection, name: str, kind: str) -> None:
    """A model that turned from table into view (or back) replaces the old object."""
    found = connection.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [MODELS_SCHEMA, name],
    ).fetchone()
    existing = None if found is None else ("VIEW" if found[0] == "VIEW" else "TABLE")
    if existing and existing != kind:
        connection.execute(f"DROP {existing} {MODELS_SCHEMA}.{name}")


def _select(sql: str) -> str:
    return sql.strip().rstrip(";")
