"""What the HTML report shows, read from the marts: per currency, never adding currencies together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.analytics.engine import Database
from pipelines.analytics.report import ModelsMissingError, ReportFilter, filter_parameters, rows_of, run_report_query
from pipelines.analytics.sql_template import Namespace

PAGE_TOP = 10
"""Customers and products a page shows per currency when `--top` is not given."""


@dataclass(frozen=True)
class CurrencySection:
    """Everything the page shows for one currency."""

    currency: str
    totals: dict[str, Any]
    months: list[dict[str, Any]]
    """Net revenue per month with its running total, oldest first."""
    customers: list[dict[str, Any]]
    value_bands: list[dict[str, Any]]
    products: list[dict[str, Any]]


@dataclass(frozen=True)
class ReportPage:
    filter: ReportFilter
    top: int
    last_sync: datetime | None
    """The newest load dlt completed into the dataset; None when none is recorded."""
    sections: list[CurrencySection]
    """Largest currency (by orders) first; empty when there is nothing to show."""
    nothing_yet: str | None = None
    """Why there is nothing to show: nothing synced or built yet (the filter matching no order leaves it None)."""


def read_report_page(database: Database, namespace: Namespace, report_filter: ReportFilter) -> ReportPage:
    top = report_filter.top or PAGE_TOP
    last_sync = _last_sync(database, namespace)
    try:
        order_rows = run_report_query(database, namespace, "orders", filter_parameters(report_filter))
        product_rows = run_report_query(database, namespace, "products", filter_parameters(report_filter))
    except ModelsMissingError as missing:
        return ReportPage(report_filter, top, last_sync, [], nothing_yet=str(missing))
    totals = sorted(rows_of(order_rows, "total"), key=lambda row: (-(row["orders"] + row["canceled_orders"]),
                                                                  row["currency"]))
    sections = [
        CurrencySection(
            currency=total["currency"],
            totals=total,
            months=_in_currency(rows_of(order_rows, "month"), total["currency"]),
            customers=_in_currency(rows_of(order_rows, "customer", top), total["currency"]),
            value_bands=_in_currency(rows_of(order_rows, "value-band"), total["currency"]),
            products=_in_currency(rows_of(product_rows, "product", top), total["currency"]),
        )
        for total in totals
    ]
    return ReportPage(report_filter, top, last_sync, sections)


def _in_currency(rows: list[dict[str, Any]], currency: str) -> list[dict[str, Any]]:
    return [row for row in rows if row["currency"] == currency]


def _last_sync(database: Database, namespace: Namespace) -> datetime | None:
    if "_dlt_loads" not in database.tables_in(namespace.raw_schema):
        return None
    (row,) = run_report_query(database, namespace, "freshness", {})
    return row["last_load_at"]
