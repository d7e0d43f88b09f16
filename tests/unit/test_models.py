"""The SQL model runner: build order, skipping what was never synced, data tests."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.models import (
    DEFAULT_MODELS_DIR,
    SAMPLE_ROWS,
    ModelError,
    build_models,
    build_order,
    discover,
    run_data_tests,
)


def write(folder: Path, name: str, sql: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sql, encoding="utf-8")


@pytest.fixture()
def raw() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("CREATE SCHEMA xentral; CREATE TABLE xentral.orders AS SELECT 1 AS id, 10.0 AS net")
    return connection


def test_models_build_in_dependency_order_whatever_their_names(tmp_path: Path, raw) -> None:
    write(tmp_path, "marts/a_summary.sql", "select count(*) as n from analytics.z_staging")
    write(tmp_path, "staging/z_staging.sql", "select id, net from xentral.orders")

    report = build_models(raw, tmp_path)

    assert report.built == ["z_staging", "a_summary"]
    assert raw.execute("select n from analytics.a_summary").fetchall() == [(1,)]


def test_models_on_tables_never_synced_are_skipped_with_their_dependents(tmp_path: Path, raw) -> None:
    write(tmp_path, "staging/stg_products.sql", "select * from xentral.products")
    write(tmp_path, "marts/product_summary.sql", "select count(*) from analytics.stg_products")
    write(tmp_path, "staging/stg_orders.sql", "select * from xentral.orders")
    write(tmp_path, "tests/products_exist.sql", "select * from analytics.product_summary where false")

    report = build_models(raw, tmp_path)

    assert report.built == ["stg_orders"]
    assert report.skipped == {"stg_products": "products", "product_summary": "stg_products"}
    assert run_data_tests(raw, report, tmp_path) == []


def test_a_broken_model_names_its_file_and_leaves_the_old_build(tmp_path: Path, raw) -> None:
    write(tmp_path, "staging/good.sql", "select id from xentral.orders")
    build_models(raw, tmp_path)
    write(tmp_path, "staging/zz_broken.sql", "select no_such_column from xentral.orders")

    with pytest.raises(ModelError, match="zz_broken.sql"):
        build_models(raw, tmp_path)
    assert raw.execute("select id from analytics.good").fetchall() == [(1,)]


def test_cycles_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.sql", "select * from analytics.b")
    write(tmp_path, "b.sql", "select * from analytics.a")
    with pytest.raises(ModelError, match="cycle"):
        build_order(discover(tmp_path))


def test_data_tests_report_failing_rows_with_their_model_and_a_sample(tmp_path: Path, raw) -> None:
    raw.execute("insert into xentral.orders select range + 2, 5.0 from range(10)")
    write(tmp_path, "staging/stg_orders.sql", "select * from xentral.orders")
    write(tmp_path, "tests/net_is_positive.sql", "select id, net from analytics.stg_orders where net > 0 -- must be empty")
    report = build_models(raw, tmp_path)
    failures = run_data_tests(raw, report, tmp_path)
    assert [(f.name, f.models, f.failing_rows, f.columns, f.is_warning) for f in failures] == [
        ("net_is_positive", ["stg_orders"], 11, ["id", "net"], False)]
    assert len(failures[0].sample) == SAMPLE_ROWS


def test_a_warning_test_is_reported_as_such(tmp_path: Path, raw) -> None:
    write(tmp_path, "staging/stg_orders.sql", "select * from xentral.orders")
    write(tmp_path, "tests/odd.sql", "-- severity: warn\nselect id from analytics.stg_orders")
    failures = run_data_tests(raw, build_models(raw, tmp_path), tmp_path)
    assert [(f.name, f.is_warning, f.sample) for f in failures] == [("odd", True, [(1,)])]


def test_a_model_can_be_a_view_and_switch_kind(tmp_path: Path, raw) -> None:
    write(tmp_path, "staging/stg_orders.sql", "-- materialized: view\nselect * from xentral.orders")
    build_models(raw, tmp_path)
    raw.execute("insert into xentral.orders values (2, 3.0)")
    kind = "select table_type from information_schema.tables where table_name = 'stg_orders'"
    assert raw.execute(kind).fetchall() == [("VIEW",)]
    assert raw.execute("select count(*) from analytics.stg_orders").fetchall() == [(2,)]

    write(tmp_path, "staging/stg_orders.sql", "select * from xentral.orders")
    build_models(raw, tmp_path)
    assert raw.execute(kind).fetchall() == [("BASE TABLE",)]


def test_the_shipped_models_are_discovered_and_ordered() -> None:
    names = [model.name for model in build_order(discover(DEFAULT_MODELS_DIR))]
    assert names.index("stg_xentral__sales_orders") < names.index("fct_orders") < names.index("customer_order_summary")
    assert "fct_orders__net_equals_sum_of_positions" not in names
