"""Rows into drafts: grouping by key, order-level consistency, problems with row, column, value."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipelines.order_import import ImportDefaults, OrderDraft, PositionDraft, Ref
from pipelines.order_import.parse import drafts_from_sheet
from pipelines.order_import.read import read_sheet
from pipelines.order_import.validate import check_drafts

from .conftest import csv_bytes


def _drafts(tmp_path: Path, rows: list[list[str]]) -> list[OrderDraft]:
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(rows))
    return drafts_from_sheet(read_sheet(path), path)


def test_rows_sharing_a_key_form_one_order_even_apart(tmp_path: Path) -> None:
    drafts = _drafts(tmp_path, [
        ["A", "2026-11-20", "10001", "EUR", "", "", "", "AR-10002", "2", "", "", ""],
        ["B", "2026-11-20", "10002", "EUR", "", "", "", "AR-10003", "1", "", "", ""],
        ["A", "", "", "", "", "", "", "AR-10004", "3", "", "", ""],
    ])
    assert [(d.key, d.rows, len(d.positions)) for d in drafts] == [("A", (2, 4), 2), ("B", (3,), 1)]
    assert drafts[0].positions[1].row == 4


def test_disagreeing_order_fields_and_bad_cells_are_problems(tmp_path: Path) -> None:
    [draft] = _drafts(tmp_path, [
        ["A", "2026-11-20", "10001", "EUR", "", "", "", "AR-10002", "zwei", "", "", ""],
        ["A", "", "10002", "", "", "", "", "AR-10003", "1", "", "", ""],
        ["", "", "10002", "", "", "", "", "AR-10003", "1", "", "", ""],
    ])[:1]
    assert [(p.row, p.column, p.value) for p in draft.problems] == [
        (2, "quantity", "zwei"), (3, "customer_number", "10002"),
    ]
    assert "differs from row 2 ('10001')" in draft.problems[1].reason


def test_a_row_without_key_is_its_own_rejected_order(tmp_path: Path) -> None:
    drafts = _drafts(tmp_path, [["", "2026-11-20", "10001", "EUR", "", "", "", "AR-10002", "1", "", "", ""]])
    assert drafts[0].problems[0].row == 2 and drafts[0].problems[0].column == "order_key"


def test_validation_checks_values_and_defaults() -> None:
    draft = OrderDraft(key="K", customer=Ref("10001"), currency="EUX", positions=(
        PositionDraft(Ref("AR-10002"), Decimal(0), Decimal("9.90"), row=2),
        PositionDraft(Ref("AR-10003"), Decimal(1), Decimal("5"), discount=Decimal(150), row=3)), rows=(2, 3))
    problems = check_drafts([draft], ImportDefaults(project="1", payment_method="1"))["K"]
    assert [(p.row, p.column, p.value) for p in problems] == [
        (2, "shipping_method", ""), (2, "quantity", "0"), (3, "discount", "150"), (2, "currency", "EUX"),
    ]
    assert "default_shipping_method" in problems[0].reason
    assert problems[3].reason.startswith("Xentral's import accepts only EUR, USD, JPY,") and "HRK" in problems[3].reason
