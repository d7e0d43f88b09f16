"""The shipped data tests: silent on good data, naming the model and showing rows on bad data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.analytics.build import build_and_test_models
from pipelines.analytics.errors import ModelError
from pipelines.settings import Settings
from tests.models.rawdata import RawData


def _good() -> RawData:
    raw = RawData()
    raw.customer("1")
    raw.product("P1")
    raw.order("1", "1", [("P1", 1, "10.00"), ("P1", 2, "20.01")], status="released")
    raw.order("2", "1", "5", status="canceled", currency="USD")
    return raw


def test_every_data_test_passes_on_consistent_data(build) -> None:
    report, failures = build(_good())
    assert report.skipped == {}
    assert failures == []


def test_an_order_whose_positions_do_not_add_up_fails_naming_model_and_rows(build) -> None:
    raw = _good()
    raw.rows["sales_orders"][0]["net_sales__amount"] = Decimal("30.03")  # positions: 30.01; 2 positions allow 2 cents
    raw.order("3", "1", "1.00")
    raw.rows["sales_orders"][-1]["net_sales__amount"] = Decimal("1.02")  # one position: 2 cents off
    _, failures = build(raw)

    assert [(f.name, f.models, f.failing_rows) for f in failures] == [
        ("fct_orders__net_equals_sum_of_positions", ["fct_orders"], 1)]
    failure = failures[0]
    assert failure.columns[:3] == ["order_id", "net_amount", "positions_net_amount"]
    assert failure.sample == [("3", Decimal("1.02"), Decimal("1.00"), 1)]


@pytest.mark.parametrize(
    ("breakage", "failing_test"),
    [
        (lambda raw: raw.rows["sales_orders"][0].update(status="shipped"), "fct_orders__status__accepted_values"),
        (lambda raw: raw.rows["sales_orders"].append(dict(raw.rows["sales_orders"][0])),
         "stg_xentral__sales_orders__order_id__unique"),
        (lambda raw: raw.rows["sales_orders"][0].update(customer__id="404"), "fct_orders__customer_id__relationships"),
        (lambda raw: raw.rows["sales_order_positions"][0].update(sales_order_id="404"),
         "stg_xentral__sales_order_positions__order_id__relationships"),
        (lambda raw: raw.rows["sales_orders"][0].update(total__amount=Decimal("1")), "fct_orders__tax_not_negative"),
    ],
)
def test_each_broken_rule_is_caught_by_its_test(build, breakage, failing_test) -> None:
    raw = _good()
    breakage(raw)
    _, failures = build(raw)
    assert failing_test in [failure.name for failure in failures if not failure.is_warning]


def test_the_command_fails_on_an_error_and_prints_the_offending_rows(tmp_path, capsys) -> None:
    import duckdb

    raw = _good()
    raw.rows["sales_orders"][0].update(status="shipped")
    path = tmp_path / "x.duckdb"
    with duckdb.connect(str(path)) as connection:
        raw.load(connection)

    with pytest.raises(ModelError, match="fct_orders__status__accepted_values"):
        build_and_test_models(Settings(duckdb_path=path))

    printed = capsys.readouterr().out
    assert "data test fct_orders__status__accepted_values FAILED on fct_orders: 1 offending row(s)" in printed
    assert "status=shipped, rows_with_value=1" in printed
