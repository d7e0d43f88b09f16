"""Writing a report: an aligned table for people, CSV and JSON for scripts (nothing else on stdout)."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pipelines.analytics.errors import ModelInputError
from pipelines.console import text_table

if TYPE_CHECKING:
    from pipelines.analytics.report import Report

FORMATS = ("table", "csv", "json")
TABLE_HIDDEN_COLUMNS = {"customer_id", "product_id", "value_band_order"}
"""Keys for scripts that the table for people leaves out (numbers and names say it)."""
MONTH_COLUMNS = {"order_month"}
"""Dates that stand for their month, written `2026-01` in every format."""


def open_output(output: Path) -> TextIO:
    """The file a report is written to; one that cannot be written is one line (exit 2)."""
    try:
        return output.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise ModelInputError(f"cannot write {output}: {error.strerror or error}; "
                              "pass --output a file in a folder you can write to") from None


def write_report(report: Report, output_format: str, stream: TextIO) -> None:
    writers = {"table": _write_table, "csv": _write_csv, "json": _write_json}
    writers[output_format](replace(report, rows=[_months_as_months(row) for row in report.rows]), stream)


def _months_as_months(row: dict[str, Any]) -> dict[str, Any]:
    return {column: value.strftime("%Y-%m") if column in MONTH_COLUMNS and isinstance(value, date) else value
            for column, value in row.items()}


def _write_csv(report: Report, stream: TextIO) -> None:
    """Exact values: decimals as written in DuckDB, dates ISO, empty for NULL."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(report.columns)
    for row in report.rows:
        writer.writerow(["" if row[column] is None else _plain(row[column]) for column in report.columns])


def _write_json(report: Report, stream: TextIO) -> None:
    """Decimals as strings (exact), dates ISO; totals per currency cover the whole filter."""
    document = {
        "by": report.filter.by,
        "statuses": list(report.filter.statuses) if report.filter.statuses else None,
        "since": report.filter.since.isoformat() if report.filter.since else None,
        "top": report.filter.top,
        "rows": [{column: row[column] for column in report.columns} for row in report.rows],
        "totals": report.totals,
    }
    json.dump(document, stream, default=_plain, ensure_ascii=False, indent=2)
    stream.write("\n")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _write_table(report: Report, stream: TextIO) -> None:
    stream.write(_title(report) + "\n")
    if not report.rows:
        stream.write("No orders match.\n")
        return
    columns = [column for column in report.columns if column not in TABLE_HIDDEN_COLUMNS]
    headers = [column.replace("_", " ") for column in columns]
    cells = [[_human(column, row[column]) for column in columns] for row in report.rows]
    numeric = [any(isinstance(row[column], (int, Decimal)) for row in report.rows) for column in columns]
    stream.write(text_table(headers, cells, numeric) + "\n")
    stream.write("Totals per currency (all orders of the filter; currencies are never added together):\n")
    for total in report.totals:
        stream.write(
            f"  {total['currency']}  orders {total['orders']}  net revenue {_money(total['net_revenue'])}  "
            f"gross revenue {_money(total['gross_revenue'])}  canceled orders {total['canceled_orders']} (no revenue)\n"
        )


def _title(report: Report) -> str:
    parts = [f"Orders by {report.filter.by}"]
    parts.append("status " + ", ".join(report.filter.statuses) if report.filter.statuses else "every status")
    if report.filter.since:
        parts.append(f"dated on or after {report.filter.since.isoformat()}")
    if report.filter.top:
        parts.append(f"top {report.filter.top} by net revenue per currency")
    return "; ".join(parts)


def _human(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column == "revenue_share":
        return f"{value * 100:.1f} %"
    if column == "quantity":
        return f"{value.normalize():,f}"
    if isinstance(value, Decimal):
        return _money(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _money(value: Decimal) -> str:
    """Money for people: thousands separators, two decimals (the currency is in its own column)."""
    return f"{value:,.2f}"
