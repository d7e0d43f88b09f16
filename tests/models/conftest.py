"""Build the shipped SQL models over small hand-written raw tables, in DuckDB and in PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import duckdb
import psycopg2
import pytest

from pipelines.analytics.engine import wrap
from pipelines.analytics.models import BuildReport, DataTestFailure, build_models, run_data_tests
from tests.models.rawdata import TABLES, RawData


@pytest.fixture(params=["duckdb", "postgres"])
def connection(request: pytest.FixtureRequest) -> Iterator[Any]:
    """An empty database on each engine the models run on: in-memory DuckDB, a fresh PostgreSQL database."""
    if request.param == "duckdb":
        with duckdb.connect() as connection:
            yield connection
    else:
        with closing(psycopg2.connect(request.getfixturevalue("postgres_uri"))) as connection:
            yield connection


@pytest.fixture
def build(connection: Any) -> Callable[..., tuple[BuildReport, list[DataTestFailure]]]:
    """Load the raw rows, build every model, run the data tests."""

    def build(raw: RawData, tables: tuple[str, ...] = tuple(TABLES)) -> tuple[BuildReport, list[DataTestFailure]]:
        raw.load(connection, tables)
        report = build_models(wrap(connection))
        return report, run_data_tests(wrap(connection), report)

    return build


def select(connection: Any, sql: str) -> list[dict[str, Any]]:
    return wrap(connection).run(sql).records()
