"""Which columns stay JSON: hints for each list column once per table and run."""

from pipelines.xentral.rows import NewListColumns


def test_new_list_columns_hints_each_column_once_per_table() -> None:
    hints = NewListColumns()
    assert hints.of("sales_orders", set()) == {}
    assert hints.of("sales_orders", {"tags"}) == {"tags": {"data_type": "json"}}
    assert hints.of("sales_orders", {"tags"}) is None
    assert hints.of("sales_orders", {"tags", "delivery__costs"}) == {"delivery__costs": {"data_type": "json"}}
    assert hints.of("products", {"tags"}) == {"tags": {"data_type": "json"}}
    assert NewListColumns().of("sales_orders", {"tags"}) == {"tags": {"data_type": "json"}}
