"""Which columns stay JSON: every nested list, under its flattened, normalized name."""

from pipelines.xentral.rows import NewListColumns, json_list_columns


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


def test_new_list_columns_hints_each_column_once_per_table() -> None:
    hints = NewListColumns()
    assert hints.of("sales_orders", [{"id": "1"}]) == {}
    assert hints.of("sales_orders", [{"id": "2", "tags": []}]) == {"tags": {"data_type": "json"}}
    assert hints.of("sales_orders", [{"id": "3", "tags": ["a"]}]) is None
    assert hints.of("sales_orders", [{"tags": [], "delivery": {"costs": []}}]) == {"delivery__costs": {"data_type": "json"}}
    assert hints.of("products", [{"tags": []}]) == {"tags": {"data_type": "json"}}
    assert NewListColumns().of("sales_orders", [{"tags": []}]) == {"tags": {"data_type": "json"}}
