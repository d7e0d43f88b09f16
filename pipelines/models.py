"""Build the SQL models in `sql/` against the DuckDB file, in dependency order, then run data tests.

A model is one `.sql` file holding one SELECT; it becomes the table `analytics.<file name>`.
Models refer to each other as `analytics.<name>`, which is how the build order is found.
A data test is a query in `sql/tests/` that must return no rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb

MODELS_SCHEMA = "analytics"
RAW_SCHEMA = "xentral"
DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "sql"
_REFERENCE = re.compile(rf"\b{MODELS_SCHEMA}\.(\w+)", re.IGNORECASE)
_RAW_REFERENCE = re.compile(rf"\b{RAW_SCHEMA}\.(\w+)", re.IGNORECASE)


class ModelError(Exception):
    """A model that does not build; names the file and DuckDB's reason."""


@dataclass(frozen=True)
class Model:
    name: str
    path: Path
    sql: str

    @property
    def references(self) -> set[str]:
        return {name.lower() for name in _REFERENCE.findall(self.sql)} - {self.name}

    @property
    def raw_tables(self) -> set[str]:
        return {name.lower() for name in _RAW_REFERENCE.findall(self.sql)}


@dataclass(frozen=True)
class BuildReport:
    built: list[str]
    skipped: dict[str, str]
    """Models not built because a table they read was never synced, with that table."""


@dataclass(frozen=True)
class DataTestFailure:
    name: str
    failing_rows: int


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
        if {name.lower() for name in _REFERENCE.findall(path.read_text(encoding="utf-8"))} & report.skipped.keys():
            continue
        failing = connection.execute(f"SELECT count(*) FROM ({_select(path.read_text(encoding='utf-8'))}\n)").fetchone()
        if failing and failing[0]:
            failures.append(DataTestFailure(path.stem, int(failing[0])))
    return failures


def _build(connection: duckdb.DuckDBPyConnection, model: Model) -> None:
    try:
        connection.execute(f"CREATE OR REPLACE TABLE {MODELS_SCHEMA}.{model.name} AS {_select(model.sql)}")
    except duckdb.Error as error:
        raise ModelError(f"model {model.path.name} does not build: {error}") from None


def _select(sql: str) -> str:
    return sql.strip().rstrip(";")
