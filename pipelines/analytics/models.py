"""Build the SQL models in `sql/` in dependency order against one DuckDB file, then run the data tests.

A model is one `.sql` file holding one SELECT (`sql/staging`, `sql/marts`, `sql/seeds`); it
becomes the table `<models schema>.<file name>`, or a view if the file holds the line
`-- materialized: view`. Models read raw tables as `{{ source('table') }}` and each other as
`{{ ref('model') }}` (see `sql_template.py`), which is how the build order is found and how
the same files serve any DuckDB file, dataset and models schema. `sql/tests/` holds the data
tests (`data_tests.py`); `sql/reports/` the report's queries, which are not models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import duckdb

from pipelines.analytics.data_tests import DataTest, discover_tests
from pipelines.analytics.errors import ModelError, ModelInputError
from pipelines.analytics.sql_template import Namespace, expanded_names, namespace_for, render
from pipelines.settings import DEFAULTS

DEFAULT_MODELS_DIR = Path(__file__).resolve().parents[2] / "sql"
NOT_MODELS = ("tests", "reports")
"""Folders of `sql/` that hold other queries than models."""
_VIEW = re.compile(r"^\s*--\s*materialized:\s*view\b", re.IGNORECASE | re.MULTILINE)
SAMPLE_ROWS = 5
"""Offending rows shown per failing data test."""


class NothingSyncedError(ModelInputError):
    """The dataset holds none of the raw tables the models read (never synced, or another dataset)."""


@dataclass(frozen=True)
class Model:
    name: str
    path: Path
    sql: str

    @property
    def references(self) -> set[str]:
        return expanded_names(self.sql, "ref") - {self.name}

    @property
    def raw_tables(self) -> set[str]:
        return expanded_names(self.sql, "source")

    @property
    def is_view(self) -> bool:
        return bool(_VIEW.search(self.sql))


@dataclass(frozen=True)
class BuildReport:
    namespace: Namespace
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
    """A test of severity warn: reported, does not fail the build."""


def discover(models_dir: Path) -> dict[str, Model]:
    """Every model file under `models_dir` (data tests and report queries excluded)."""
    skipped_dirs = {models_dir / name for name in NOT_MODELS}
    models = {}
    for path in sorted(models_dir.rglob("*.sql")):
        if skipped_dirs & set(path.parents):
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


def build_models(
    connection: duckdb.DuckDBPyConnection,
    models_dir: Path = DEFAULT_MODELS_DIR,
    *,
    dataset: str = DEFAULTS.dataset,
    models_schema: str = DEFAULTS.models_schema,
) -> BuildReport:
    """Build every model in one transaction: analysts never see half a rebuild.

    Raw tables are read from the schema `dataset`, models built in `models_schema`. A model
    reading a raw table that was never synced (say only products were), and the models built
    on it, are skipped rather than failed; when none of the raw tables is there, nothing is built.
    """
    namespace = namespace_for(connection, dataset, models_schema)
    models = build_order(discover(models_dir))
    synced = tables_in(connection, namespace, dataset).keys()
    needed = set().union(*(model.raw_tables for model in models))
    if needed and not needed & synced:
        raise NothingSyncedError(f"the schema {dataset!r} holds none of the tables the sync writes")
    report = BuildReport(namespace=namespace, built=[], skipped={})
    connection.execute("BEGIN TRANSACTION")
    try:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {namespace.qualified(models_schema)}")
        for model in models:
            missing = sorted(model.raw_tables - synced) + sorted(model.references & report.skipped.keys())
            if missing:
                report.skipped[model.name] = missing[0]
                continue
            _build(connection, namespace, model)
            report.built.append(model.name)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return report


def tables_in(connection: duckdb.DuckDBPyConnection, namespace: Namespace, schema: str) -> dict[str, str]:
    """The tables and views of `schema` in the connection's catalog: lower-cased name -> TABLE or VIEW."""
    catalog_filter = "AND table_catalog = ?" if namespace.catalog else ""
    rows = connection.execute(
        f"SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = ? {catalog_filter}",
        [schema, namespace.catalog] if namespace.catalog else [schema],
    ).fetchall()
    return {name.lower(): "VIEW" if kind == "VIEW" else "TABLE" for name, kind in rows}


def run_data_tests(
    connection: duckdb.DuckDBPyConnection, report: BuildReport, models_dir: Path = DEFAULT_MODELS_DIR
) -> list[DataTestFailure]:
    """Run every data test whose models were built; each returned row is a failure."""
    failures = []
    for test in discover_tests(models_dir / "tests"):
        if set(test.models) & report.skipped.keys():
            continue
        failure = _run_data_test(connection, report.namespace, test)
        if failure:
            failures.append(failure)
    return failures


def _run_data_test(
    connection: duckdb.DuckDBPyConnection, namespace: Namespace, test: DataTest
) -> DataTestFailure | None:
    query = _select(render(test.sql, namespace, f"data test {test.name}"))
    try:
        result = connection.execute(f"SELECT * FROM ({query}\n) AS failing LIMIT {SAMPLE_ROWS}")
        sample = result.fetchall()
        columns = [column[0] for column in result.description or []]
        if not sample:
            return None
        counted = connection.execute(f"SELECT count(*) FROM ({query}\n) AS failing").fetchone()
    except duckdb.Error as error:
        raise ModelError(f"data test {test.name} does not run: {error}") from None
    return DataTestFailure(
        name=test.name,
        models=test.models,
        failing_rows=int(counted[0]) if counted else len(sample),
        columns=columns,
        sample=sample,
        is_warning=test.is_warning,
    )


def _build(connection: duckdb.DuckDBPyConnection, namespace: Namespace, model: Model) -> None:
    kind = "VIEW" if model.is_view and namespace.holds_views else "TABLE"
    query = _select(render(model.sql, namespace, model.path.name))
    try:
        _drop_if_other_kind(connection, namespace, model.name, kind)
        connection.execute(f"CREATE OR REPLACE {kind} {namespace.ref(model.name)} AS {query}")
    except duckdb.Error as error:
        raise ModelError(f"model {model.path.name} does not build: {error}") from None


def _drop_if_other_kind(connection: duckdb.DuckDBPyConnection, namespace: Namespace, name: str, kind: str) -> None:
    """A model that turned from table into view (or back) replaces the old object."""
    existing = tables_in(connection, namespace, namespace.models_schema).get(name)
    if existing and existing != kind:
        connection.execute(f"DROP {existing} {namespace.ref(name)}")


def _select(sql: str) -> str:
    return sql.strip().rstrip(";")
