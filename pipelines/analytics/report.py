"""`xentral-sync report`: the summary people ask for most, read from the marts.

"My sales orders with status created or released, by customer and value": orders are
filtered (status, order date), grouped by one dimension and currency, ranked by net revenue
within their currency. Canceled orders never count as revenue (they show in
`canceled_orders`); amounts in different currencies are never added together.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from pipelines.analytics.engine import Database, open_database
from pipelines.analytics.errors import ModelError, ModelInputError
from pipelines.analytics.models import DEFAULT_MODELS_DIR
from pipelines.analytics.report_output import FORMATS, open_output, write_report
from pipelines.analytics.sql_template import Namespace, expanded_names, render
from pipelines.arguments import ORDER_STATUSES, add_destination_argument, comma_list, iso_date, positive_int
from pipelines.settings import Settings, resolve_settings

REPORT_QUERIES_DIR = DEFAULT_MODELS_DIR / "reports"
"""The report's parameterised queries over the marts: `orders.sql`, `products.sql`, `freshness.sql`."""


class ModelsMissingError(ModelError):
    """The models a report reads were not built: nothing was synced yet, or `models` was not run."""


@dataclass(frozen=True)
class Dimension:
    """How one `--by` reads: the query whose rows it takes, and the columns it prints after revenue_rank."""

    query: str
    columns: tuple[str, ...]


_ORDER_COLUMNS = ("orders", "canceled_orders", "net_revenue", "gross_revenue", "average_order_value",
                  "revenue_share", "first_order_date", "last_order_date")
DIMENSIONS: dict[str, Dimension] = {
    "customer": Dimension("orders", ("customer_id", "customer_number", "customer_name", "currency", *_ORDER_COLUMNS)),
    "value-band": Dimension("orders", ("value_band_order", "value_band", "currency", *_ORDER_COLUMNS)),
    "month": Dimension("orders", ("order_month", "currency", *_ORDER_COLUMNS)),
    "product": Dimension("products", ("product_id", "product_number", "product_name", "currency", "quantity",
                                      "orders", "canceled_orders", "customers", "net_revenue", "gross_revenue",
                                      "average_order_value", "revenue_share")),
}
TOTAL_COLUMNS = ("currency", "orders", "canceled_orders", "net_revenue", "gross_revenue",
                 "first_order_date", "last_order_date")


@dataclass(frozen=True)
class ReportFilter:
    by: str = "customer"
    statuses: tuple[str, ...] | None = None
    """None: every status (canceled orders still count only in canceled_orders)."""
    since: date | None = None
    top: int | None = None
    """Keep the N best rows by net revenue within each currency."""


@dataclass(frozen=True)
class Report:
    filter: ReportFilter
    columns: list[str]
    rows: list[dict[str, Any]]
    totals: list[dict[str, Any]]
    """One row per currency over everything the filter selects (before --top)."""


def build_report(database: Database, namespace: Namespace, report_filter: ReportFilter) -> Report:
    """The report's rows and totals, read from the marts through the queries in `sql/reports/`."""
    dimension = DIMENSIONS[report_filter.by]
    parameters = filter_parameters(report_filter)
    order_rows = run_report_query(database, namespace, "orders", parameters)
    rows = order_rows if dimension.query == "orders" else run_report_query(database, namespace, dimension.query,
                                                                           parameters)
    columns = ["revenue_rank", *dimension.columns]
    return Report(
        filter=report_filter,
        columns=columns,
        rows=[_pick(row, columns) for row in rows_of(rows, report_filter.by, report_filter.top)],
        totals=[_pick(row, TOTAL_COLUMNS) for row in rows_of(order_rows, "total")],
    )


def filter_parameters(report_filter: ReportFilter) -> dict[str, Any]:
    """The bind parameters of the queries in `sql/reports/`."""
    return {"statuses": list(report_filter.statuses) if report_filter.statuses else None, "since": report_filter.since}


def rows_of(rows: list[dict[str, Any]], dimension: str, top: int | None = None) -> list[dict[str, Any]]:
    """The rows of one dimension; with `top`, the N with most net revenue per currency (by `place`)."""
    return [row for row in rows if row["dimension"] == dimension and (top is None or row["place"] <= top)]


def run_report_query(
    database: Database, namespace: Namespace, name: str, parameters: dict[str, Any]
) -> list[dict[str, Any]]:
    """The rows of `sql/reports/<name>.sql`, run with its bind parameters."""
    path = REPORT_QUERIES_DIR / f"{name}.sql"
    sql = path.read_text(encoding="utf-8")
    _require_models(database, namespace, expanded_names(sql, "ref"))
    try:
        return database.run(render(sql, namespace, path.name), parameters).records()
    except database.errors as error:
        raise ModelError(f"the models do not fit this version of the report; rebuild them with "
                         f"`xentral-sync models` ({str(error).strip().splitlines()[0]})") from None


def _pick(row: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    return {column: row[column] for column in columns}


def _require_models(database: Database, namespace: Namespace, needed: set[str]) -> None:
    """The models a query reads exist (they are skipped while their raw tables were never synced)."""
    missing = sorted(needed - database.tables_in(namespace.models_schema).keys())
    if missing:
        names = ", ".join(f"{namespace.models_schema}.{name}" for name in missing)
        raise ModelsMissingError(f"{database.where} has no {names} yet: sync sales orders and customers, "
                                 "then run `xentral-sync models`")


def add_report_parser(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="print orders summarized by customer, value band, month or product (from the SQL models)")
    add_destination_argument(report)
    report.add_argument("--duckdb", metavar="PATH",
                        help="DuckDB file, opened read-only (default: duckdb_path, else xentral.duckdb)")
    report.add_argument("--dataset", metavar="NAME", help="schema of the raw tables (default: dataset, else xentral)")
    report.add_argument("--status", type=comma_list(ORDER_STATUSES, "status(es)"), metavar="LIST",
                        help=f"comma-separated statuses to include: {','.join(ORDER_STATUSES)}")
    report.add_argument("--since", type=iso_date, metavar="DATE", help="orders dated on or after DATE (YYYY-MM-DD)")
    report.add_argument("--top", type=positive_int, metavar="N",
                        help="keep the N rows with most net revenue per currency")
    report.add_argument("--by", choices=list(DIMENSIONS), default="customer", help="grouping (default: %(default)s)")
    report.add_argument("--format", choices=(*FORMATS, "html"), default="table",
                        help="output (default: %(default)s); html: one page with charts, written to --output")
    report.add_argument("--output", metavar="FILE", help="write to FILE instead of printing (needed for html)")
    report.set_defaults(handler=report_command)


def report_command(args: argparse.Namespace) -> int:
    settings = resolve_settings({"destination": args.destination, "duckdb_path": args.duckdb, "dataset": args.dataset})
    report_filter = ReportFilter(by=args.by, statuses=args.status, since=args.since, top=args.top)
    if args.format == "html":
        if not args.output:
            raise ModelInputError("--format html writes a page: pass --output FILE, e.g. --output report.html")
        write_report_page(settings, report_filter, Path(args.output))
        print(f"Wrote {args.output}")
    elif args.output:
        with open_output(Path(args.output)) as stream:
            print_report(settings, report_filter, args.format, stream)
    else:
        print_report(settings, report_filter, args.format)
    return 0


def print_report(
    settings: Settings, report_filter: ReportFilter, output_format: str = "table", stream: TextIO | None = None
) -> None:
    """Read the report from the database (read-only, closed at once) and write it to `stream` (default stdout)."""
    with open_database(settings, read_only=True) as database:
        report = build_report(database, database.namespace(settings.dataset, settings.models_schema), report_filter)
    write_report(report, output_format, stream or sys.stdout)


def write_report_page(settings: Settings, report_filter: ReportFilter, output: Path) -> None:
    """Write the HTML page; charting is imported only here (the table report starts without it)."""
    from pipelines.analytics.report_html import write_html_page
    from pipelines.analytics.report_page import read_report_page

    with open_database(settings, read_only=True) as database:
        page = read_report_page(database, database.namespace(settings.dataset, settings.models_schema), report_filter)
    write_html_page(page, output)

