"""The results file: one row per input order, safe to open in a spreadsheet program.

A value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a
formula by Excel or LibreOffice; it gets a leading ``'`` so it shows as text. Source rows are
written as ``2 to 4`` or ``2, 5, 7``, never as something Excel reads as a date or a number. Written as UTF-8 with a
BOM (Excel reads it as UTF-8 then) and with the input CSV's delimiter, so a German Excel that gave us
a semicolon file opens the results in columns too.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pipelines.order_import.model import ImportReport, OrderOutcome

HEADER = ("key", "outcome", "xentral_id", "rows", "error")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_results(path: Path, report: ImportReport, delimiter: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(HEADER)
        writer.writerows([neutralised(value) for value in _row(outcome)] for outcome in report.outcomes)


def neutralised(value: str) -> str:
    """The value, made unable to run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def rows_text(rows: tuple[int, ...]) -> str:
    """``2 to 4`` for consecutive rows, ``2, 5, 7`` otherwise: text that no spreadsheet program turns
    into a date (``2-4``) or a decimal number (``5,7`` in German Excel)."""
    if len(rows) > 1 and list(rows) == list(range(rows[0], rows[0] + len(rows))):
        return f"{rows[0]} to {rows[-1]}"
    return ", ".join(map(str, rows))


def _row(outcome: OrderOutcome) -> tuple[str, ...]:
    return (outcome.key, outcome.outcome.value, outcome.xentral_id or "", rows_text(outcome.rows), outcome.error)
