"""Build the shipped SQL models over small hand-written raw tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import pytest

from pipelines.analytics.models import BuildReport, DataTestFailure, build_models, run_data_tests
from tests.models.rawdata import TABLES, RawData


@pytest.fixture
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as connection:
        yield connection


@pytest.fixture
def build(connection: duckdb.DuckDBPyConnection) -> Callable[..., tuple[BuildReport, list[DataTestFailure]]]:
    """Load the raw rows, build every model, run the data tests."""

    def build(raw: RawData, tables: tuple[str, ...] = tuple(TABLES)) -> tuple[BuildReport, list[DataTestFailure]]:
        raw.load(connection, tables)
        report = build_models(connection)
        return report, run_data_tests(connection, report)

    return build


def select(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    result = connection.execute(sql)
    columns = [column[0] for column in result.description or []]
    return [dict(zip(columns, row)) for row in result.fetchall()]
