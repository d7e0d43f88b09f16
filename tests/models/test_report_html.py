"""`xentral-sync report --format html`: the figures in the page equal the marts; self-contained; bad input."""

from __future__ import annotations

import base64
import json
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal as D
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bench.bench_models import generate
from pipelines.analytics.engine import wrap
from pipelines.analytics.models import build_models
from pipelines.cli import main
from tests.models.rawdata import RawData
from tests.models.test_marts import _two_currencies


class PageFigures(HTMLParser):
    """The page's tables as {(table, currency): {row key: {column: exact value}}}, plus its images."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[tuple[str, str], dict[str, dict[str, str]]] = defaultdict(dict)
        self.images: list[str] = []
        self._table: tuple[str, str] | None = None
        self._row: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and "data-table" in found:
            self._table = (found["data-table"] or "", found.get("data-currency") or "")
        elif tag == "tr" and self._table:
            self._row = found.get("data-key") or found.get("data-currency")
        elif tag == "td" and self._table and self._row and "data-column" in found:
            self.tables[self._table].setdefault(self._row, {})[found["data-column"] or ""] = found["data-value"] or ""
        elif tag == "img":
            self.images.append(found.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None


def write_page(capsys: pytest.CaptureFixture[str], path: Path, output: Path, *args: str) -> str:
    assert main(["report", "--duckdb", str(path), "--format", "html", "--output", str(output), *args]) == 0
    assert capsys.readouterr().out == f"Wrote {output}\n"
    return output.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def duckdb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = _two_currencies()
    raw.product("P1")
    raw.order("8", "C", [("P1", 2, "70"), ("P2", 5, "2500")], day=date(2026, 3, 9), status="released")
    path = tmp_path_factory.mktemp("html") / "shop.duckdb"
    with duckdb.connect(str(path)) as connection:
        raw.load(connection)
        connection.execute("create table xentral._dlt_loads as select * from (values "
                           "('1', 'xentral', 0, timestamptz '2026-12-01 02:15:00+00'), "
                           "('2', 'xentral', 0, timestamptz '2026-12-02 02:16:30+00'), "
                           "('3', 'xentral', 1, timestamptz '2026-12-03 02:00:00+00')"
                           ") as loads (load_id, schema_name, status, inserted_at)")
        build_models(wrap(connection))
    return path


def mart(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_the_figures_in_the_page_equal_the_marts(capsys, duckdb_path: Path, tmp_path: Path) -> None:
    figures = PageFigures(write_page(capsys, duckdb_path, tmp_path / "page.html")).tables

    headline = mart(duckdb_path, "select currency, sum(orders), sum(net_revenue), sum(gross_revenue), "
                                 "sum(canceled_orders) from analytics.customer_order_summary "
                                 "where currency is not null group by currency")
    assert {currency: (D(row["orders"]), D(row["net_revenue"]), D(row["gross_revenue"]), D(row["canceled_orders"]))
            for currency, row in figures["headline", ""].items()} == {
        currency: tuple(values) for currency, *values in headline}

    months = mart(duckdb_path, "select currency, strftime(order_month, '%Y-%m'), sum(net_revenue) "
                               "from analytics.customer_monthly_revenue group by all order by all")
    running: dict[str, D] = defaultdict(D)
    for currency, month, net in months:
        running[currency] += net
        row = figures["months", currency][month]
        assert (D(row["net_revenue"]), D(row["running_net_revenue"])) == (net, running[currency])
    assert sum(len(figures["months", currency]) for currency in ("EUR", "CHF")) == len(months)

    customers = mart(duckdb_path, "select currency, customer_id, net_revenue, orders, revenue_share "
                                  "from analytics.customer_order_summary where currency is not null")
    assert {(currency, key): (D(row["net_revenue"]), int(row["orders"]), D(row["revenue_share"]))
            for currency in ("EUR", "CHF") for key, row in figures["customers", currency].items()} == {
        (currency, customer): (net, orders, share) for currency, customer, net, orders, share in customers}

    bands = mart(duckdb_path, "select currency, value_band, orders, canceled_orders, net_revenue "
                              "from analytics.order_value_bands where orders + canceled_orders > 0")
    assert {(currency, key): (int(row["orders"]), int(row["canceled_orders"]), D(row["net_revenue"]))
            for currency in ("EUR", "CHF") for key, row in figures["value_bands", currency].items()} == {
        (currency, band): (orders, canceled, net) for currency, band, orders, canceled, net in bands}

    products = mart(duckdb_path, "select currency, product_id, quantity, orders, net_revenue "
                                 "from analytics.product_sales where currency is not null")
    assert {(currency, key): (D(row["quantity"]), int(row["orders"]), D(row["net_revenue"]))
            for currency in ("EUR", "CHF") for key, row in figures["products", currency].items()} == {
        (currency, product): (quantity, orders, net) for currency, product, quantity, orders, net in products}


def test_the_page_states_filters_and_freshness_and_keeps_the_top_n(capsys, duckdb_path: Path, tmp_path: Path) -> None:
    html = write_page(capsys, duckdb_path, tmp_path / "page.html", "--status", "created,released",
                      "--since", "2026-02-01", "--top", "1")
    figures = PageFigures(html).tables
    assert main(["report", "--duckdb", str(duckdb_path), "--status", "created,released", "--since", "2026-02-01",
                 "--format", "json"]) == 0
    totals = json.loads(capsys.readouterr().out)["totals"]

    assert "Filter: status created, released; orders dated on or after 2026-02-01; top 1 customers" in html
    assert "Data as of the last sync: 2026-12-02 02:16 UTC." in html
    assert {currency: row["net_revenue"] for currency, row in figures["headline", ""].items()} == {
        total["currency"]: total["net_revenue"] for total in totals}
    assert {currency: list(figures["customers", currency]) for currency in ("EUR", "CHF")} == {
        "EUR": ["C"], "CHF": ["D"]}


def test_the_page_is_self_contained(capsys, duckdb_path: Path, tmp_path: Path) -> None:
    html = write_page(capsys, duckdb_path, tmp_path / "page.html")
    images = PageFigures(html).images

    assert "<script" not in html.lower() and "@import" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert len(images) == 8 and all(image.startswith("data:image/svg+xml;base64,") for image in images)
    chart = base64.b64decode(images[0].split(",", 1)[1]).decode("utf-8")
    assert "Net revenue per month (EUR)" in chart and "Running total (EUR)" in chart
    assert not re.search(r"""(href|src)\s*=\s*["'](https?:)?//""", chart)


def test_a_database_with_nothing_synced_gets_a_page_that_says_so(capsys, tmp_path: Path) -> None:
    empty = tmp_path / "fresh.duckdb"
    duckdb.connect(str(empty)).close()

    html = write_page(capsys, empty, tmp_path / "page.html")

    assert f"Nothing to show yet: {empty} has no analytics.orders_daily" in html
    assert "No sync is recorded in this database." in html and "<img" not in html


def test_a_filter_matching_no_order_says_so(capsys, duckdb_path: Path, tmp_path: Path) -> None:
    html = write_page(capsys, duckdb_path, tmp_path / "page.html", "--since", "2030-01-01")
    assert "No orders match this filter." in html and "<img" not in html


@pytest.mark.parametrize("output", ["missing-folder/page.html", "."])
def test_an_unwritable_output_is_one_line_and_exit_2(capsys, duckdb_path: Path, tmp_path: Path, output: str) -> None:
    target = tmp_path / output
    code = main(["report", "--duckdb", str(duckdb_path), "--format", "html", "--output", str(target)])
    captured = capsys.readouterr()

    assert (code, captured.out) == (2, "")
    assert captured.err.startswith(f"error: cannot write {target}: ") and captured.err.count("\n") == 1
    assert captured.err.endswith("; pass --output a file in a folder you can write to\n")


def test_html_needs_an_output_file(capsys, duckdb_path: Path) -> None:
    code = main(["report", "--duckdb", str(duckdb_path), "--format", "html"])
    assert (code, capsys.readouterr().err) == (
        2, "error: --format html writes a page: pass --output FILE, e.g. --output report.html\n")


def test_the_page_stays_small_however_many_orders(capsys, tmp_path: Path) -> None:
    """Its size follows the months, bands and top rows shown, not the orders: 5 years of 20,000 orders."""
    path = tmp_path / "big.duckdb"
    generate(path, 20_000)
    with duckdb.connect(str(path)) as connection:
        build_models(wrap(connection))

    html = write_page(capsys, path, tmp_path / "page.html")

    assert len(html.encode("utf-8")) < 2_000_000
    assert len(PageFigures(html).tables["months", "EUR"]) == 60


def test_the_freshness_is_the_newest_completed_load(capsys, tmp_path: Path) -> None:
    raw = RawData()
    raw.customer("1")
    raw.order("1", "1", "10")
    path = tmp_path / "x.duckdb"
    with duckdb.connect(str(path)) as connection:
        raw.load(connection, dataset="raw")
        connection.execute("create table raw._dlt_loads (load_id varchar, status bigint, inserted_at timestamptz)")
        connection.execute("insert into raw._dlt_loads values ('1', 0, ?)", [datetime(2026, 5, 4, 3, 2, tzinfo=UTC)])
        build_models(wrap(connection), dataset="raw")

    html = write_page(capsys, path, tmp_path / "page.html", "--dataset", "raw")

    assert "Data as of the last sync: 2026-05-04 03:02 UTC." in html
