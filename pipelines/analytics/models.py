"""Build the SQL models in `sql/` in dependency order in one database (DuckDB or PostgreSQL), then run the data tests.

A model is one `.sql` file holding one SELECT (`sql/staging`, `sql/marts`, `sql/seeds`); it
becomes the table `<models schema>.<file name>`, or a view if the file holds the line
`-- materialized: view`. Models read raw tables as `{{ source('table') }}` and each other as
`{{ ref('model') }}` (see `sql_template.py`), which is how the build order is found and how
the same files serve any DuckDB file or PostgreSQL database, dataset and models schema. `sql/tests/` holds the data
tests (`data_tests.py`); `sql/reports/` the report's queries, which are not models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

from pipelines.analytics.data_tests import DataTest, discover_tests
from pipelines.analytics.engine import Database
from pipelines.analytics.errors import ModelError, ModelInputError
from pipelines.analytics.sql_template import Namespace, expanded_names, render
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
    database: Database,
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
    namespace = database.namespace(dataset, models_schema)
    models = build_order(discover(models_dir))
    synced = database.tables_in(dataset).keys()
    needed = set().union(*(model.raw_tables for model in models))
    if needed and not needed & synced:
        raise NothingSyncedError(f"the schema {dataset!r} holds none of the tables the sync writes")
    report = BuildReport(namespace=namespace, built=[], skipped={})
    with database.transaction():
        database.lock_models(namespace)
        database.execute(f"CREATE SCHEMA IF NOT EXISTS {namespace.qualified(models_schema)}")
        for model in models:
            missing = sorted(model.raw_tables - synced) + sorted(model.references & report.skipped.keys())
            if missing:
                report.skipped[model.name] = missing[0]
                continue
            _build(database, namespace, model)
            report.built.append(model.name)
    return report


def run_data_tests(
    database: Database, report: BuildReport, models_dir: Path = DEFAULT_MODELS_DIR
) -> list[DataTestFailure]:
    """Run every data test whose models were built; each returned row is a failure."""
    failures = []
    for test in discover_tests(models_dir / "tests"):
        if set(test.models) & report.skipped.keys():
            continue
        failure = _run_data_test(database, report.namespace, test)
        if failure:
            failures.append(failure)
    return failures


def _run_data_test(database: Database, namespace: Namespace, test: DataTest) -> DataTestFailure | None:
    query = _select(render(test.sql, namespace, f"data test {test.name}"))
    try:
        sample = database.run(f"SELECT * FROM ({query}\n) AS failing LIMIT {SAMPLE_ROWS}")
        if not sample.rows:
            return None
        counted = database.run(f"SELECT count(*) FROM ({query}\n) AS failing").rows
    except database.errors as error:
        raise ModelError(f"data test {test.name} does not run: {_first_line(error)}") from None
    return DataTestFailure(
        name=test.name,
        models=test.models,
        failing_rows=int(counted[0][0]),
        columns=sample.columns,
        sample=sample.rows,
        is_warning=test.is_warning,
    )


def _build(database: Database, namespace: Namespace, model: Model) -> None:
    kind = "VIEW" if model.is_view and namespace.holds_views else "TABLE"
    query = _select(render(model.sql, namespace, model.path.name))
    try:
        database.materialize(namespace, model.name, kind, query)
    except database.errors as error:
        raise ModelError(f"model {model.path.name} does not build: {_first_line(error)}") from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _select(sql: str) -> str:
    return sql.strip().rstrip(";")
