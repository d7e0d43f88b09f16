"""Rebuilding the models in PostgreSQL while people read them: nobody waits, nobody sees half a build."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED, ISOLATION_LEVEL_REPEATABLE_READ

from pipelines.analytics.engine import PostgresDatabase, wrap
from pipelines.analytics.models import build_models
from tests.models.rawdata import RawData

ORDERS = "select count(*), sum(net_amount) from analytics.fct_orders"
NO_WAITING = "-c lock_timeout=2000"
"""A lock someone would have to wait for fails the statement at once instead of hanging the test."""


@pytest.fixture
def builder(postgres_uri: str) -> Iterator[Any]:
    with closing(psycopg2.connect(postgres_uri, options=NO_WAITING)) as connection:
        yield wrap(connection)


def fetch(connection: Any, sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def orders(*numbers: int) -> RawData:
    raw = RawData()
    raw.customer("1")
    for number in numbers:
        raw.order(str(number), "1", "100")
    return raw


@pytest.mark.parametrize("isolation", [ISOLATION_LEVEL_READ_COMMITTED, ISOLATION_LEVEL_REPEATABLE_READ],
                         ids=["read-committed", "repeatable-read"])
def test_a_reader_holding_a_transaction_open_reads_the_previous_models_while_they_rebuild(
    builder, postgres_uri: str, isolation: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    orders(1, 2).load(builder.connection)
    build_models(builder)
    with closing(psycopg2.connect(postgres_uri, options=NO_WAITING)) as analyst:
        analyst.set_session(isolation_level=isolation)
        assert fetch(analyst, ORDERS) == [(2, D("200.00"))]
        assert fetch(analyst, "select count(*) from analytics.stg_xentral__customers") == [(1,)]
        seen_mid_build: list[Any] = []
        materialize = PostgresDatabase.materialize

        def materialize_then_look(self: PostgresDatabase, namespace: Any, name: str, kind: str, query: str) -> None:
            materialize(self, namespace, name, kind, query)
            if name == "fct_orders":
                seen_mid_build.append(fetch(analyst, ORDERS))

        monkeypatch.setattr(PostgresDatabase, "materialize", materialize_then_look)
        night_two = orders(3)
        night_two.rows["customers"] = []
        night_two.insert(builder.connection)

        build_models(builder)  # with the analyst's transaction open all along

        assert seen_mid_build == [[(2, D("200.00"))]]
        after_commit = fetch(analyst, ORDERS)
        analyst.commit()
        assert fetch(analyst, ORDERS) == [(3, D("300.00"))]
    # read committed: each statement sees what is committed; repeatable read: the transaction's snapshot
    expected = [(3, D("300.00"))] if isolation == ISOLATION_LEVEL_READ_COMMITTED else [(2, D("200.00"))]
    assert after_commit == expected


def test_views_people_built_on_the_marts_survive_the_nightly_rebuild(builder) -> None:
    orders(1).load(builder.connection)
    build_models(builder)
    builder.execute("create view public.my_orders as select order_id from analytics.fct_orders")

    orders(2).insert(builder.connection, ("sales_orders", "sales_order_positions"))
    build_models(builder)

    assert builder.run("select order_id from public.my_orders order by order_id").rows == [("1",), ("2",)]


def write(folder: Path, name: str, sql: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sql, encoding="utf-8")


def relation_id(database: Any, name: str) -> int:
    return int(database.run(f"select '{name}'::regclass::oid").rows[0][0])


def test_a_model_is_rebuilt_only_when_its_query_or_columns_change(builder, tmp_path: Path) -> None:
    builder.execute("create schema xentral; create table xentral.orders as select 1 as id, 10.5 as net")
    write(tmp_path, "staging/stg_orders.sql", "-- materialized: view\nselect id, net from {{ source('orders') }}")
    write(tmp_path, "marts/order_totals.sql", "select id, net from {{ ref('stg_orders') }}")
    write(tmp_path, "marts/order_view.sql", "-- materialized: view\nselect id from {{ ref('order_totals') }}")
    build_models(builder, tmp_path)
    kept = {name: relation_id(builder, f"analytics.{name}") for name in ("stg_orders", "order_totals", "order_view")}

    build_models(builder, tmp_path)
    assert {name: relation_id(builder, f"analytics.{name}") for name in kept} == kept

    write(tmp_path, "marts/order_totals.sql", "select id, net, net * 2 as doubled from {{ ref('stg_orders') }}")
    build_models(builder, tmp_path)

    assert relation_id(builder, "analytics.stg_orders") == kept["stg_orders"]
    assert relation_id(builder, "analytics.order_totals") != kept["order_totals"]
    assert builder.run("select id, doubled from analytics.order_totals").rows == [(1, D("21.0"))]
    assert builder.run("select id from analytics.order_view").rows == [(1,)]  # built again on the new table
