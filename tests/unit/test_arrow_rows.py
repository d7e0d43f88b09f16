"""Rows to Arrow tables: dlt's flattening and names, our types, and dict rows wherever a value does not fit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import dlt
import pyarrow as pa
import pytest

from pipelines.xentral import xentral_source  # noqa: F401 - the source's preferred types are what we test with
from pipelines.xentral.arrow_rows import ArrowTables
from pipelines.xentral.settings import DATE_COLUMNS, MONEY_COLUMNS, TIMESTAMP_COLUMNS

CAPABILITIES = dlt.destinations.duckdb().capabilities()


def _schema() -> dlt.Schema:
    schema = dlt.Schema("xentral")
    schema.update_preferred_types({MONEY_COLUMNS: "decimal", TIMESTAMP_COLUMNS: "timestamp", DATE_COLUMNS: "date"})  # type: ignore[dict-item]
    return schema


def _table(rows: list[dict], schema: dlt.Schema | None = None, table: str = "sales_orders") -> pa.Table | None:
    tables = ArrowTables(schema or _schema(), CAPABILITIES)
    return tables.table(table, tables.flatten(rows))


def test_nested_objects_flatten_to_dlt_names_and_lists_are_noted() -> None:
    tables = ArrowTables(_schema(), CAPABILITIES)
    flat = tables.flatten([
        {"id": "1", "netSales": {"amount": 1.5, "currency": "EUR"}, "tags": ["a"]},
        {"id": "2", "delivery": {"shippingAddress": {"zipCode": "50667"}, "shippingCosts": []}},
    ])
    flat.pad()
    assert flat.columns == {
        "id": ["1", "2"],
        "net_sales__amount": [1.5, None],
        "net_sales__currency": ["EUR", None],
        "tags": [["a"], None],
        "delivery__shipping_address__zip_code": [None, "50667"],
        "delivery__shipping_costs": [None, []],
    }
    assert flat.list_columns == {"tags", "delivery__shipping_costs"}
    assert not flat.ambiguous


def test_money_timestamps_dates_and_lists_get_the_types_dlt_would_give_them() -> None:
    table = _table([
        {"id": "1", "total": {"amount": 19.99}, "updatedAt": "2026-10-25T02:10:00+01:00", "date": "2026-10-24",
         "tags": ["eilig"], "quantity": 2, "discount": 0.1, "hasChildren": False},
        {"id": "2", "total": {"amount": 5}, "updatedAt": "2026-10-25T02:40:00Z", "date": None, "tags": [],
         "quantity": 3, "discount": 0, "hasChildren": True},
    ])
    assert table is not None
    assert table.schema.field("total__amount").type == pa.decimal128(38, 9)
    assert table.column("total__amount").to_pylist() == [Decimal("19.99"), Decimal("5")]
    assert table.column("updated_at").to_pylist() == [datetime(2026, 10, 25, 1, 10, tzinfo=UTC),
                                                      datetime(2026, 10, 25, 2, 40, tzinfo=UTC)]
    assert table.column("date").to_pylist() == [date(2026, 10, 24), None]
    assert table.column("tags").to_pylist() == ['["eilig"]', "[]"]
    assert table.schema.field("quantity").type == pa.int64()
    assert table.schema.field("discount").type == pa.float64()
    assert table.column("has_children").to_pylist() == [False, True]


def test_a_column_never_set_gets_no_column_as_with_dlt() -> None:
    table = _table([{"id": "1", "comment": None}, {"id": "2", "comment": None}])
    assert table is not None
    assert table.column_names == ["id"]


def test_a_known_column_keeps_its_type() -> None:
    schema = _schema()
    schema.update_table({"name": "sales_orders", "columns": {"discount": {"name": "discount", "data_type": "double"}}})
    table = _table([{"id": "1", "discount": 0}], schema)
    assert table is not None
    assert table.schema.field("discount").type == pa.float64()


@pytest.mark.parametrize("rows", [
    [{"id": "1", "quantity": 1}, {"id": "2", "quantity": "viele"}],   # mixed types in one column
    [{"id": "1", "updatedAt": "yesterday"}],                           # a timestamp that is none
    [{"id": "1", "updatedAt": "2026-10-25T02:10:00"}],                 # a time without offset
    [{"id": "1", "fooBar": 1, "foo_bar": 2}],                          # two keys, one column name
], ids=["mixed", "bad-timestamp", "naive-timestamp", "ambiguous-name"])
def test_rows_that_do_not_fit_are_left_to_dlts_row_normalizer(rows: list[dict]) -> None:
    assert _table(rows) is None


def test_a_value_that_does_not_fit_a_known_column_is_left_to_dlt() -> None:
    schema = _schema()
    schema.update_table({"name": "sales_orders", "columns": {"quantity": {"name": "quantity", "data_type": "bigint"},
                                                             "id": {"name": "id", "data_type": "text"}}})
    assert _table([{"id": "1", "quantity": 1.5}], schema) is None
    assert _table([{"id": 1}], schema) is None  # `id` is text once dlt saw it so; a number is for dlt to decide
    assert _table([{"id": "1", "quantity": 2.0}], schema).column("quantity").to_pylist() == [2]  # type: ignore[union-attr]
