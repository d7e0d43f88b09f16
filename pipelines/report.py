"""`xentral-sync report`: the summary people ask for most, read from the marts.

"My sales orders with status created or released, by customer and value": orders are
filtered (status, order date), grouped by one dimension and currency, ranked by net revenue
within their currency. Canceled orders never count as revenue (they show in
`canceled_orders`); amounts in different currencies are never added together.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from pipelines.analytics_errors import ModelError
from pipelines.analytics_settings import AnalyticsSettings, resolve_analytics_settings
from pipelines.arguments import ORDER_STATUSES, comma_list, iso_date, positive_int
from pipelines.duckdb_file import connect_existing
from pipelines.models import tables_in
from pipelines.report_output import FORMATS, write_report
from pipelines.sql_template import Namespace, expanded_names, namespace_for, render


@dataclass(frozen=True)
class Dimension:
    """How one `--by` groups: the fact table, its key columns, measures and natural order."""

    source: str
    keys: str
    measures: str
    columns: str
    """The printed columns, in order, after revenue_rank."""
    labels: str
    order_by: str


_ORDER_COLUMNS = """orders, canceled_orders, net_revenue, gross_revenue, average_order_value, revenue_share,
        first_order_date, last_order_date"""
_ORDER_MEASURES = """
        count(*) filter (where not is_canceled)                       as orders,
        count(*) filter (where is_canceled)                           as canceled_orders,
        coalesce(sum(net_amount) filter (where not is_canceled), 0)   as net_revenue,
        coalesce(sum(gross_amount) filter (where not is_canceled), 0) as gross_revenue,
        min(order_date) filter (where not is_canceled)                as first_order_date,
        max(order_date) filter (where not is_canceled)                as last_order_date"""

DIMENSIONS: dict[str, Dimension] = {
    "customer": Dimension(
        source="fct_orders",
        keys="customer_id",
        measures=_ORDER_MEASURES,
        columns=f"customer_id, customer_number, customer_name, currency, {_ORDER_COLUMNS}",
        labels="""left join (select customer_id, customer_number, customer_name
                   from {{ ref('stg_xentral__customers') }}) as labels using (customer_id)""",
        order_by="currency, revenue_rank, customer_id",
    ),
    "value-band": Dimension(
        source="fct_orders",
        keys="value_band_order, value_band",
        measures=_ORDER_MEASURES,
        columns=f"value_band_order, value_band, currency, {_ORDER_COLUMNS}",
        labels="",
        order_by="currency, value_band_order",
    ),
    "month": Dimension(
        source="fct_orders",
        keys="order_month",
        measures=_ORDER_MEASURES,
        columns=f"order_month, currency, {_ORDER_COLUMNS}",
        labels="",
        order_by="currency, order_month",
    ),
    "product": Dimension(
        source="fct_order_positions",
        keys="product_id",
        measures="""
        sum(quantity) filter (where not is_canceled)                       as quantity,
        count(distinct order_id) filter (where not is_canceled)            as orders,
        count(distinct order_id) filter (where is_canceled)                as canceled_orders,
        count(distinct customer_id) filter (where not is_canceled)         as customers,
        coalesce(sum(net_amount) filter (where not is_canceled), 0)        as net_revenue,
        coalesce(sum(gross_amount) filter (where not is_canceled), 0)      as gross_revenue,
        max(product_number)                                                as product_number,
        max(product_name)                                                  as product_name""",
        columns="""product_id, product_number, product_name, currency, quantity, orders, canceled_orders, customers,
        net_revenue, gross_revenue, average_order_value, revenue_share""",
        labels="",
        order_by="currency, revenue_rank, product_id",
    ),
}


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


def build_report(connection: duckdb.DuckDBPyConnection, namespace: Namespace, report_filter: ReportFilter) -> Report:
    dimension = DIMENSIONS[report_filter.by]
    _require_models(connection, namespace, dimension)
    where, parameters = _where(report_filter)
    try:
        grouped = render(_grouped_sql(dimension, where, report_filter.top), namespace, "report")
        columns, rows = _query(connection, grouped, parameters)
        _, totals = _query(connection, render(_totals_sql(where), namespace, "report"), parameters)
    except duckdb.Error as error:
        raise ModelError(f"the models do not fit this version of the report; rebuild them with "
                         f"`xentral-sync models` ({str(error).splitlines()[0]})") from None
    return Report(report_filter, columns, rows, totals)


def _where(report_filter: ReportFilter) -> tuple[str, list[Any]]:
    conditions, parameters = ["true"], []
    if report_filter.statuses:
        conditions.append(f"status in ({', '.join('?' for _ in report_filter.statuses)})")
        parameters.extend(report_filter.statuses)
    if report_filter.since:
        conditions.append("order_date >= ?")
        parameters.append(report_filter.since)
    return " and ".join(conditions), parameters


def _grouped_sql(dimension: Dimension, where: str, top: int | None) -> str:
    keep = f"where revenue_rank <= {int(top)}" if top else ""
    return f"""
with grouped as (
    select {dimension.keys}, currency, {dimension.measures}
    from {{{{ ref('{dimension.source}') }}}}
    where {where}
    group by {dimension.keys}, currency
),
ranked as (
    select *,
        rank() over (partition by currency order by net_revenue desc) as revenue_rank,
        cast(net_revenue / nullif(sum(net_revenue) over (partition by currency), 0) as decimal(9, 6))
            as revenue_share,
        cast(net_revenue / nullif(orders, 0) as decimal(18, 2)) as average_order_value
    from grouped
)
select revenue_rank, {dimension.columns}
from ranked {dimension.labels}
{keep}
order by {dimension.order_by}
"""


def _totals_sql(where: str) -> str:
    return f"""
select currency, {_ORDER_MEASURES}
from {{{{ ref('fct_orders') }}}}
where {where}
group by currency
order by currency
"""


def _query(
    connection: duckdb.DuckDBPyConnection, sql: str, parameters: list[Any]
) -> tuple[list[str], list[dict[str, Any]]]:
    result = connection.execute(sql, parameters)
    columns = [column[0] for column in result.description or []]
    return columns, [dict(zip(columns, row)) for row in result.fetchall()]


def _require_models(connection: duckdb.DuckDBPyConnection, namespace: Namespace, dimension: Dimension) -> None:
    """The models this report reads exist (they are skipped while their raw tables were never synced)."""
    needed = {"fct_orders", dimension.source, *expanded_names(dimension.labels, "ref")}
    missing = sorted(needed - tables_in(connection, namespace, namespace.models_schema).keys())
    if missing:
        names = ", ".join(f"{namespace.models_schema}.{name}" for name in missing)
        raise ModelError(f"the DuckDB file has no {names} yet: sync sales orders and customers, "
                         "then run `xentral-sync models`")


def add_report_parser(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="print orders summarized by customer, value band, month or product (from the SQL models)")
    report.add_argument("--duckdb", metavar="PATH",
                        help="DuckDB file, opened read-only (default: duckdb_path, else xentral.duckdb)")
    report.add_argument("--dataset", help="schema of the raw tables (default: dataset, else xentral)")
    report.add_argument("--status", type=comma_list(ORDER_STATUSES, "status(es)"), metavar="LIST",
                        help=f"comma-separated statuses to include: {','.join(ORDER_STATUSES)}")
    report.add_argument("--since", type=iso_date, metavar="DATE", help="orders dated on or after DATE (YYYY-MM-DD)")
    report.add_argument("--top", type=positive_int, metavar="N",
                        help="keep the N rows with most net revenue per currency")
    report.add_argument("--by", choices=list(DIMENSIONS), default="customer", help="grouping (default: %(default)s)")
    report.add_argument("--format", choices=FORMATS, default="table", help="output (default: %(default)s)")
    report.set_defaults(handler=report_command)


def report_command(args: argparse.Namespace) -> int:
    report_filter = ReportFilter(by=args.by, statuses=args.status, since=args.since, top=args.top)
    print_report(resolve_analytics_settings(args.duckdb, args.dataset), report_filter, args.format)
    return 0


def print_report(settings: AnalyticsSettings, report_filter: ReportFilter, output_format: str = "table") -> None:
    """Read the report from the file (read-only, closed at once) and write it to stdout."""
    with connect_existing(settings.duckdb_path, read_only=True) as connection:
        namespace = namespace_for(connection, settings.dataset, settings.models_schema)
        report = build_report(connection, namespace, report_filter)
    write_report(report, output_format, sys.stdout)
