"""The results file opens safely in a spreadsheet program."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from pipelines.order_import import ImportReport, OrderOutcome, Outcome, Problem
from pipelines.order_import.results import neutralised, rows_text, write_results


def test_formula_looking_values_are_neutralised(tmp_path: Path) -> None:
    report = ImportReport([
        OrderOutcome("=HYPERLINK(\"http://evil\")", Outcome.REJECTED, None, (2, 3, 4),
                     (Problem(2, "comment", "x", "@SUM(A1)"),)),
        OrderOutcome("+49-1", Outcome.CREATED, "17", (5, 7)),
    ])
    path = tmp_path / "out.csv"
    write_results(path, report, ";")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["key", "outcome", "xentral_id", "rows", "error"]
    assert rows[1][:4] == ["'=HYPERLINK(\"http://evil\")", "rejected", "", "2 to 4"]
    assert rows[1][4] == "row 2, comment 'x': @SUM(A1)"  # starts with "row": harmless
    assert rows[2] == ["'+49-1", "created", "17", "5, 7", ""]


@pytest.mark.parametrize(("rows", "text"), [((2, 3, 4), "2 to 4"), ((5, 7), "5, 7"), ((9,), "9"), ((), "")])
def test_rows_are_text_no_spreadsheet_reads_as_a_date_or_a_decimal(rows: tuple[int, ...], text: str) -> None:
    assert rows_text(rows) == text
    if len(rows) > 1:  # what Excel would turn into a date (2-4, 2/4, 2.4) or a number (5,7)
        assert not re.fullmatch(r"\d+[-/.,]\d+([-/.,]\d+)?", text)


def test_every_dangerous_start_is_neutralised() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralised(f"{start}1").startswith("'")
    assert neutralised("A-1") == "A-1"
