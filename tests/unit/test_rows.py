"""Which columns stay JSON: every nested list, under its flattened, normalized name."""

from pipelines.xentral.rows import json_list_columns


def test_lists_at_any_depth_become_json_columns_and_objects_do_not() -> None:
    rows = [
        {"id": "1", "shippingCosts": [{"amount": "4.90"}], "financials": {"currency": "EUR"}},
        {"id": "2", "delivery": {"address": {"extraLines": ["c/o"]}}, "tags": []},
    ]
    assert json_list_columns(rows) == {
        "shipping_costs": {"data_type": "json"},
        "delivery__address__extra_lines": {"data_type": "json"},
        "tags": {"data_type": "json"},
    }


def test_rows_without_lists_need_no_hints() -> None:
    assert json_list_columns([{"id": "1", "financials": {"currency": "EUR"}}, {}]) == {}
