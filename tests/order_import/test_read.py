"""Reading files: CSV dialects, encodings, XLSX; cells into numbers and dates; template columns."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipelines.order_import import ImportDefaults
from pipelines.order_import.columns import canonical_name
from pipelines.order_import.parse import drafts_from_sheet, parse_date, parse_decimal
from pipelines.order_import.read import ImportFileError, read_sheet
from pipelines.order_import.validate import check_drafts

from .conftest import HEADER, csv_bytes

ROWS = [["A-1", "2026-11-20", "10001", "EUR", "", "", "", "AR-10002", "2", "19.90", "", "Grüße"],
        ["A-1", "", "", "", "", "", "", "AR-10003", "1", "", "10", ""]]


@pytest.mark.parametrize(("delimiter", "encoding"), [
    (",", "utf-8"), (";", "utf-8-sig"), (";", "cp1252"), ("\t", "utf-16"),
])
def test_csv_dialects_read_the_same(tmp_path: Path, delimiter: str, encoding: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(ROWS, delimiter, encoding=encoding))
    sheet = read_sheet(path)
    assert sheet.delimiter == delimiter
    assert sheet.headers == HEADER
    assert [number for number, _ in sheet.rows] == [2, 3]
    assert sheet.rows[0][1][11] == "Grüße"


def test_german_excel_csv_with_decimal_comma_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    rows = [["B-1", "20.11.2026", "10001", "", "", "", "", "AR-10002", "1,5", "1.234,50", "12,5 %", ""]]
    path.write_bytes(csv_bytes(rows, ";", encoding="cp1252"))
    [draft] = drafts_from_sheet(read_sheet(path), path)
    assert draft.order_date == date(2026, 11, 20)
    assert draft.positions[0].quantity == Decimal("1.5")
    assert draft.positions[0].unit_price == Decimal("1234.50")
    assert draft.positions[0].discount == Decimal("12.5")
    assert not draft.problems


def test_xlsx_typed_cells_and_percent_format(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Orders"
    workbook.create_sheet("Other")
    sheet.append(HEADER)
    sheet.append(["X-1", datetime(2026, 11, 20), 10001, "EUR", None, None, None, "AR-10002", 3, 4.5, 0.1, None])
    sheet["K2"].number_format = "0%"
    path = tmp_path / "orders.xlsx"
    workbook.save(path)
    [draft] = drafts_from_sheet(read_sheet(path, "Orders"), path)
    assert draft.customer.value == "10001"  # not "10001.0"
    assert draft.order_date == date(2026, 11, 20)
    assert draft.positions[0].quantity == 3
    assert draft.positions[0].unit_price == Decimal("4.5")
    assert draft.positions[0].discount == Decimal("10")
    with pytest.raises(ImportFileError, match="no sheet named 'Nope'; the sheets are Orders, Other"):
        read_sheet(path, "Nope")


@pytest.mark.parametrize(("text", "expected"), [
    ("12", Decimal("12")), ("12,50", Decimal("12.50")), ("12.50", Decimal("12.50")), ("-0,5", Decimal("-0.5")),
    ("1.234,50", Decimal("1234.50")), ("1,234.50", Decimal("1234.50")), ("19,90 €", Decimal("19.90")),
    ("1.234.567", Decimal("1234567")), ("0,123", Decimal("0.123")), ("1234,567", Decimal("1234.567")),
    ("", None), ("  ", None),
])
def test_decimals_that_say_their_mark_themselves(text: str, expected: Decimal | None) -> None:
    assert parse_decimal(text) == parse_decimal(text, ",") == parse_decimal(text, ".") == expected


@pytest.mark.parametrize(("text", "comma", "point"), [
    ("1.234", Decimal("1234"), Decimal("1.234")), ("1,234", Decimal("1.234"), Decimal("1234")),
    ("-12.500 €", Decimal("-12500"), Decimal("-12.5")),
])
def test_decimals_read_with_the_files_mark(text: str, comma: Decimal, point: Decimal) -> None:
    assert (parse_decimal(text, ","), parse_decimal(text, ".")) == (comma, point)
    whole = max(comma, point, key=abs)
    with pytest.raises(ValueError, match=f"^could be {whole:f} or "):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["zwei", "1,2,3", "12.5.3", "--1", "1.23.4"])
def test_not_decimals(text: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_decimal(text, ",")


def _numbers(tmp_path: Path, delimiter: str, prices: list[str]) -> tuple[list[Decimal | None], list[tuple]]:
    path = tmp_path / "orders.csv"
    rows = [["N-1", "", "10001", "", "", "", "", "AR-10002", "1", price, "", ""] for price in prices]
    path.write_bytes(csv_bytes(rows, delimiter))
    [draft] = drafts_from_sheet(read_sheet(path), path)
    problems = [(p.row, p.column, p.value, p.reason) for p in draft.problems]
    return [position.unit_price for position in draft.positions], problems


def test_a_german_file_reads_1_234_as_a_thousand(tmp_path: Path) -> None:
    assert _numbers(tmp_path, ";", ["1.234", "1.234,50"]) == ([Decimal("1234"), Decimal("1234.50")], [])
    assert _numbers(tmp_path, ";", ["1.234"]) == ([Decimal("1234")], [])  # German Excel's delimiter decides
    assert _numbers(tmp_path, "\t", ["1.234", "12,5"]) == ([Decimal("1234"), Decimal("12.5")], [])


def test_an_english_file_reads_1_234_as_a_fraction(tmp_path: Path) -> None:
    assert _numbers(tmp_path, ",", ["1.234", "1,234.50"]) == ([Decimal("1.234"), Decimal("1234.50")], [])
    assert _numbers(tmp_path, ";", ["1.234", "12.5"]) == ([Decimal("1.234"), Decimal("12.5")], [])  # cells decide


def test_a_cell_the_file_does_not_decide_is_a_problem_on_its_row_and_column(tmp_path: Path) -> None:
    prices, problems = _numbers(tmp_path, "\t", ["1.234", "5"])
    assert prices == [None, Decimal("5")]
    assert problems == [(2, "unit_price", "1.234", "could be 1234 or 1.234, and nothing else in the file shows its "
                                                   "decimal mark: write 1234 for the one, 1.2340 for the other")]
    prices, problems = _numbers(tmp_path, ";", ["12,5", "1,234", "12.5"])  # cells prove both marks
    assert prices == [Decimal("12.5"), None, Decimal("12.5")] and [p[:3] for p in problems] == [
        (3, "unit_price", "1,234")]


def test_a_formula_in_a_number_cell_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes([["F-1", "", "10001", "", "", "", "", "AR-10002", "=A1*2", "", "", ""]]))
    drafts = drafts_from_sheet(read_sheet(path), path)
    [problem] = check_drafts(drafts, ImportDefaults(project="1", payment_method="1", shipping_method="1"))["F-1"]
    assert (problem.row, problem.column, problem.value) == (2, "quantity", "=A1*2")
    assert problem.reason == "a formula, not a number: save or paste the sheet's values instead"


def test_dates() -> None:
    assert parse_date("2026-02-28") == parse_date("28.02.2026") == date(2026, 2, 28)
    assert parse_date("1.2.2026") == date(2026, 2, 1)
    with pytest.raises(ValueError, match="not a real date"):
        parse_date("30.02.2026")
    with pytest.raises(ValueError, match="YYYY-MM-DD or DD.MM.YYYY"):
        parse_date("02/28/2026")


def test_headers_match_without_case_and_spacing() -> None:
    assert canonical_name("Order Key") == canonical_name("ORDER_KEY") == canonical_name(" order-key ") == "order_key"
    assert canonical_name("Unit Price") == canonical_name("price") == "unit_price"
    assert canonical_name("Lieferant") is None


def test_missing_required_columns_are_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes([["A", "1"]], header=["order key", "qty"]))
    with pytest.raises(ImportFileError, match="missing required column.*customer or customer_number or customer_id"):
        drafts_from_sheet(read_sheet(path), path)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no such file"):
        read_sheet(tmp_path / "nope.csv")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ImportFileError, match="not a readable XLSX file"):
        read_sheet(broken)


@pytest.mark.parametrize(("content", "kind"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    (b"PK\x03\x04\x14\x00\x00\x00order_key,quantity", "a ZIP archive (an XLSX file? then name it .xlsx)"),
    (b"order_key,quantity\nA,1\x00\x00\x01", "not a text file"),
])
def test_a_binary_file_named_csv_is_refused_in_one_line(tmp_path: Path, content: bytes, kind: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        read_sheet(path)
    assert str(caught.value) == f"{path}: not a CSV file: {kind}; save the sheet as CSV or XLSX"
