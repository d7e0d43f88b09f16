"""The SQL model runner: expansions, build order, skipping what was never synced, data tests."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.analytics.data_tests import GENERIC_TESTS_FILE, declared_tests, discover_tests
from pipelines.analytics.engine import wrap
from pipelines.analytics.errors import ModelError
from pipelines.analytics.models import (
    DEFAULT_MODELS_DIR,
    SAMPLE_ROWS,
    NothingSyncedError,
    build_models,
    build_order,
    discover,
    run_data_tests,
)
from pipelines.analytics.sql_template import Namespace, render


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
    write(tmp_path, "marts/a_summary.sql", "select count(*) as n from {{ ref('z_staging') }}")
    write(tmp_path, "staging/z_staging.sql", "select id, net from {{ source('orders') }}")

    report = build_models(wrap(raw), tmp_path)

    assert report.built == ["z_staging", "a_summary"]
    assert raw.execute("select n from analytics.a_summary").fetchall() == [(1,)]


def test_the_expansions_qualify_names_and_cast_money() -> None:
    namespace = Namespace(raw_schema="raw", models_schema='my "models"', catalog="xentral")
    sql = "select {{ money('net__amount') }} from {{ source('orders') }} join {{ ref( 'stg' ) }}"

    assert render(sql, namespace, "x.sql") == (
        'select cast(cast(net__amount as decimal(18, 9)) as decimal(18, 2)) '
        'from "xentral"."raw"."orders" join "xentral"."my ""models"""."stg"')
    assert Namespace("raw", "analytics").source("orders") == '"raw"."orders"'
    with pytest.raises(ModelError, match=r"x.sql: unknown expansion \{\{ config\('a'\) \}\}"):
        render("select {{ config('a') }}", namespace, "x.sql")


@pytest.mark.parametrize(
    ("file_name", "dataset", "models_schema"),
    [("xentral.duckdb", "xentral", "analytics"), ("analytics.duckdb", "raw", "analytics"),
     ("shop.duckdb", "raw", "shop_models")],
)
def test_any_file_dataset_and_models_schema(tmp_path: Path, file_name: str, dataset: str, models_schema: str) -> None:
    """In xentral.duckdb an unqualified `xentral.orders` is ambiguous (the file's catalog is `xentral` too)."""
    write(tmp_path / "sql", "staging/stg_orders.sql", "-- materialized: view\nselect * from {{ source('orders') }}")
    write(tmp_path / "sql", "marts/order_count.sql", "select count(*) as n from {{ ref('stg_orders') }}")
    write(tmp_path / "sql", "tests/generic.toml", "[stg_orders]\nunique = ['id']\n")
    with duckdb.connect(str(tmp_path / file_name)) as connection:
        catalog = file_name.removesuffix(".duckdb")
        connection.execute(f'create schema "{catalog}"."{dataset}"')
        connection.execute(f'create table "{catalog}"."{dataset}".orders as select 1 as id')

        report = build_models(wrap(connection), tmp_path / "sql", dataset=dataset, models_schema=models_schema)
        failures = run_data_tests(wrap(connection), report, tmp_path / "sql")
        counted = connection.execute(f'select n from "{catalog}"."{models_schema}".order_count').fetchall()

    assert (report.built, report.skipped, failures, counted) == (["stg_orders", "order_count"], {}, [], [(1,)])


def test_a_view_over_a_schema_named_like_the_file_is_built_as_a_table(tmp_path: Path) -> None:
    """DuckDB stores a view's query without its catalog: `xentral.orders` would be ambiguous when read."""
    write(tmp_path / "sql", "stg_orders.sql", "-- materialized: view\nselect * from {{ source('orders') }}")
    with duckdb.connect(str(tmp_path / "xentral.duckdb")) as connection:
        connection.execute('create schema "xentral"."xentral"; create table "xentral"."xentral".orders as select 1 as id')
        build_models(wrap(connection), tmp_path / "sql")
        kind = connection.execute("select table_type from information_schema.tables where table_name = 'stg_orders'")
        assert kind.fetchall() == [("BASE TABLE",)]


def test_a_dataset_without_any_synced_table_is_refused(tmp_path: Path, raw) -> None:
    write(tmp_path, "staging/stg_orders.sql", "select * from {{ source('orders') }}")
    with pytest.raises(NothingSyncedError, match="the schema 'raw' holds none of the tables the sync writes"):
        build_models(wrap(raw), tmp_path, dataset="raw")
    assert raw.execute("select count(*) from information_schema.schemata where schema_name = 'analytics'").fetchall() \
        == [(0,)]


def test_models_on_tables_never_synced_are_skipped_with_their_dependents(tmp_path: Path, raw) -> None:
    write(tmp_path, "staging/stg_products.sql", "select * from {{ source('products') }}")
    write(tmp_path, "marts/product_summary.sql", "select count(*) from {{ ref('stg_products') }}")
    write(tmp_path, "staging/stg_orders.sql", "select * from {{ source('orders') }}")
    write(tmp_path, "tests/products_exist.sql", "select * from {{ ref('product_summary') }} where false")

    report = build_models(wrap(raw), tmp_path)

    assert report.built == ["stg_orders"]
    assert report.skipped == {"stg_products": "products", "product_summary": "stg_products"}
    assert run_data_tests(wrap(raw), report, tmp_path) == []


def test_a_broken_model_names_its_file_and_leaves_the_old_build(tmp_path: Path, raw) -> None:
    write(tmp_path, "staging/good.sql", "select id from {{ source('orders') }}")
    build_models(wrap(raw), tmp_path)
    write(tmp_path, "staging/zz_broken.sql", "select no_such_column from {{ source('orders') }}")

    with pytest.raises(ModelError, match="zz_broken.sql"):
        build_models(wrap(raw), tmp_path)
    assert raw.execute("select id from analytics.good").fetchall() == [(1,)]


def test_cycles_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.sql", "select * from {{ ref('b') }}")
    write(tmp_path, "b.sql", "select * from {{ ref('a') }}")
    with pytest.raises(ModelError, match="cycle"):
        build_order(discover(tmp_path))


def test_data_tests_report_failing_rows_with_their_model_and_a_sample(tmp_path: Path, raw) -> None:
    raw.execute("insert into xentral.orders select range + 2, 5.0 from range(10)")
    write(tmp_path, "staging/stg_orders.sql", "select * from {{ source('orders') }}")
    write(tmp_path, "tests/net_is_positive.sql", "select id, net from {{ ref('stg_orders') }} where net > 0 -- must be empty")
    report = build_models(wrap(raw), tmp_path)
    failures = run_data_tests(wrap(raw), report, tmp_path)
    assert [(f.name, f.models, f.failing_rows, f.columns, f.is_warning) for f in failures] == [
        ("net_is_positive", ["stg_orders"], 11, ["id", "net"], False)]
    assert len(failures[0].sample) == SAMPLE_ROWS


def test_a_warning_test_is_reported_as_such(tmp_path: Path, raw) -> None:
    write(tmp_path, "staging/stg_orders.sql", "select * from {{ source('orders') }}")
    write(tmp_path, "tests/odd.sql", "-- severity: warn\nselect id from {{ ref('stg_orders') }}")
    failures = run_data_tests(wrap(raw), build_models(wrap(raw), tmp_path), tmp_path)
    assert [(f.name, f.is_warning, f.sample) for f in failures] == [("odd", True, [(1,)])]


def test_declared_tests_generate_one_query_per_rule(tmp_path: Path, raw) -> None:
    raw.execute("insert into xentral.orders values (1, null), (2, -1.0)")
    raw.execute("create table xentral.kinds as select * from (values (1, 'a'), (2, 'it''s')) as t(id, kind)")
    write(tmp_path, "staging/stg_orders.sql", "select * from {{ source('orders') }}")
    write(tmp_path, "staging/stg_kinds.sql", "select * from {{ source('kinds') }}")
    write(tmp_path, f"tests/{GENERIC_TESTS_FILE}", """
[stg_orders]
unique = ["id", "id, net"]
not_null = ["net"]
relationships.id = { to = "stg_kinds.id", severity = "warn" }
[stg_kinds]
accepted_values.kind = ["a", "it's"]
relationships.id = "stg_orders.id"
""")
    failures = run_data_tests(wrap(raw), build_models(wrap(raw), tmp_path), tmp_path)

    assert [(f.name, f.models, f.failing_rows, f.is_warning) for f in failures] == [
        ("stg_orders__id__unique", ["stg_orders"], 1, False),
        ("stg_orders__net__not_null", ["stg_orders"], 1, False),
    ]
    assert failures[0].columns == ["id", "rows_with_key"] and failures[0].sample == [(1, 2)]


def test_a_declared_relationship_names_the_orphans(tmp_path: Path, raw) -> None:
    write(tmp_path, "staging/stg_orders.sql", "select * from {{ source('orders') }}")
    write(tmp_path, "staging/stg_lines.sql", "select * from (values (7, 1), (8, 404)) as t(line_id, order_id)")
    write(tmp_path, f"tests/{GENERIC_TESTS_FILE}", '[stg_lines]\nrelationships.order_id = "stg_orders.id"\n')
    failures = run_data_tests(wrap(raw), build_models(wrap(raw), tmp_path), tmp_path)
    assert [(f.name, f.models, f.sample) for f in failures] == [
        ("stg_lines__order_id__relationships", ["stg_lines", "stg_orders"], [(8, 404)])]


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        ("[m]\nunqiue = ['id']", "generic.toml: \\[m\\] declares unknown test 'unqiue'"),
        ("[m]\nunique = 'id'", "generic.toml: \\[m\\] unique must be a list of names"),
        ("[m]\nrelationships.x = 'other'", "generic.toml: \\[m\\] relationships.x must name the other model's column"),
        ("[m\n", "generic.toml is not valid TOML"),
    ],
)
def test_a_bad_declaration_is_one_line_naming_the_file(tmp_path: Path, declaration: str, message: str) -> None:
    write(tmp_path, GENERIC_TESTS_FILE, declaration)
    with pytest.raises(ModelError, match=message):
        declared_tests(tmp_path / GENERIC_TESTS_FILE)


def test_a_model_can_be_a_view_and_switch_kind(tmp_path: Path, raw) -> None:
    write(tmp_path, "staging/stg_orders.sql", "-- materialized: view\nselect * from {{ source('orders') }}")
    build_models(wrap(raw), tmp_path)
    raw.execute("insert into xentral.orders values (2, 3.0)")
    kind = "select table_type from information_schema.tables where table_name = 'stg_orders'"
    assert raw.execute(kind).fetchall() == [("VIEW",)]
    assert raw.execute("select count(*) from analytics.stg_orders").fetchall() == [(2,)]

    write(tmp_path, "staging/stg_orders.sql", "select * from {{ source('orders') }}")
    build_models(wrap(raw), tmp_path)
    assert raw.execute(kind).fetchall() == [("BASE TABLE",)]


def test_the_shipped_models_are_discovered_and_ordered() -> None:
    names = [model.name for model in build_order(discover(DEFAULT_MODELS_DIR))]
    assert names.index("stg_xentral__sales_orders") < names.index("fct_orders") < names.index("customer_order_summary")
    assert "fct_orders__net_equals_sum_of_positions" not in names and "orders" not in names


def test_every_shipped_model_has_a_declared_key_and_every_test_reads_shipped_models() -> None:
    models = discover(DEFAULT_MODELS_DIR)
    tests = discover_tests(DEFAULT_MODELS_DIR / "tests")
    keyed = {test.models[0] for test in tests if test.name.endswith("__unique")}

    assert keyed == set(models)
    assert {model for test in tests for model in test.models} <= set(models)


def test_no_model_names_a_schema_itself() -> None:
    """Raw tables and models only through source() and ref(); the money cast only through money()."""
    for model in discover(DEFAULT_MODELS_DIR).values():
        assert "xentral." not in model.sql and "analytics." not in model.sql, model.name
        assert "decimal(18, 9)" not in model.sql, model.name
