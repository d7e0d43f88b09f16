"""`xentral-sync report` over hand-written orders: filters, groupings, formats, failures."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from pipelines.analytics.engine import wrap
from pipelines.analytics.models import build_models
from pipelines.analytics.report import ReportFilter, build_report
from pipelines.cli import main
from tests.models.rawdata import RawData


@pytest.fixture(scope="module")
def duckdb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A: EUR 100 (Jan) + 300 (Mar) + canceled 1000; B: EUR 400 created, CHF 50; C: none; D: CHF 80."""
    raw = RawData()
    for customer_id in "ABCD":
        raw.customer(customer_id, name=f"Kunde {customer_id}")
    raw.product("P1")
    raw.product("P2")
    raw.order("1", "A", [("P1", 1, "100")], day=date(2026, 1, 5), status="completed")
    raw.order("2", "A", [("P1", 10, "1000")], day=date(2026, 1, 7), status="canceled")
    raw.order("3", "A", [("P2", 3, "300")], day=date(2026, 3, 1), status="released")
    raw.order("4", "B", [("P1", 2, "150"), ("P2", 1, "250")], day=date(2026, 2, 1), status="created")
    raw.order("5", "B", "50", day=date(2026, 2, 2), currency="CHF", status="released")
    raw.order("6", "D", "80", day=date(2026, 2, 3), currency="CHF", status="completed")
    path = tmp_path_factory.mktemp("report") / "report.duckdb"
    with duckdb.connect(str(path)) as connection:
        raw.load(connection)
        build_models(wrap(connection))
    return path


def report(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str]:
    code = main(["report", "--duckdb", str(path), *args])
    captured = capsys.readouterr()
    return code, captured.out


def test_json_by_customer_for_created_and_released_orders(capsys, duckdb_path: Path) -> None:
    code, out = report(capsys, duckdb_path, "--status", "created,released", "--format", "json")

    document = json.loads(out)
    rows = {(row["customer_number"], row["currency"]): row for row in document["rows"]}
    assert code == 0
    assert sorted(rows) == [("1000A", "EUR"), ("1000B", "CHF"), ("1000B", "EUR")]
    assert (rows["1000B", "EUR"]["net_revenue"], rows["1000B", "EUR"]["revenue_rank"]) == ("400.00", 1)
    assert (rows["1000A", "EUR"]["net_revenue"], rows["1000A", "EUR"]["orders"]) == ("300.00", 1)
    assert rows["1000A", "EUR"]["revenue_share"] == str(round(D(300) / D(700), 6))
    assert {total["currency"]: total["net_revenue"] for total in document["totals"]} == {"CHF": "50.00", "EUR": "700.00"}


def test_canceled_orders_never_count_as_revenue_but_are_counted(capsys, duckdb_path: Path) -> None:
    _, out = report(capsys, duckdb_path, "--format", "json")
    a_eur = next(row for row in json.loads(out)["rows"] if row["customer_number"] == "1000A")
    assert (a_eur["orders"], a_eur["canceled_orders"], a_eur["net_revenue"]) == (2, 1, "400.00")


def test_since_and_top_keep_the_best_per_currency(capsys, duckdb_path: Path) -> None:
    _, out = report(capsys, duckdb_path, "--since", "2026-02-01", "--top", "1", "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["customer_number"], row["currency"], row["net_revenue"]) for row in rows] == [
        ("1000D", "CHF", "80.00"), ("1000B", "EUR", "400.00")]


def test_by_value_band_month_and_product(capsys, duckdb_path: Path) -> None:
    _, bands = report(capsys, duckdb_path, "--by", "value-band", "--format", "json")
    _, months = report(capsys, duckdb_path, "--by", "month", "--format", "json")
    _, products = report(capsys, duckdb_path, "--by", "product", "--format", "json")

    assert [(r["value_band"], r["currency"], r["orders"], r["canceled_orders"], r["net_revenue"])
            for r in json.loads(bands)["rows"]] == [
        ("under 100", "CHF", 2, 0, "130.00"), ("100 to 500", "EUR", 3, 0, "800.00"),
        ("1,000 to 5,000", "EUR", 0, 1, "0.00")]
    assert [(r["order_month"], r["currency"], r["net_revenue"]) for r in json.loads(months)["rows"]] == [
        ("2026-02", "CHF", "130.00"), ("2026-01", "EUR", "100.00"), ("2026-02", "EUR", "400.00"),
        ("2026-03", "EUR", "300.00")]
    assert [(r["product_number"], r["currency"], r["quantity"], r["orders"], r["net_revenue"])
            for r in json.loads(products)["rows"] if r["currency"] == "EUR"] == [
        ("AR-P2", "EUR", "4.0000", 2, "550.00"), ("AR-P1", "EUR", "3.0000", 2, "250.00")]


def test_table_shows_money_with_currency_and_totals_per_currency(capsys, duckdb_path: Path) -> None:
    code, out = report(capsys, duckdb_path, "--status", "created,released")

    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Orders by customer; status created, released"
    assert "net revenue" in lines[1] and "currency" in lines[1]
    assert any("Kunde B" in line and "EUR" in line and "400.00" in line for line in lines)
    assert "  CHF  orders 1  net revenue 50.00  gross revenue 59.50  canceled orders 0 (no revenue)" in lines
    assert "  EUR  orders 2  net revenue 700.00  gross revenue 833.00  canceled orders 0 (no revenue)" in lines


def test_csv_is_clean_for_scripts(capsys, duckdb_path: Path) -> None:
    _, out = report(capsys, duckdb_path, "--format", "csv", "--by", "month")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["revenue_rank", "order_month", "currency"]
    assert all(len(row) == len(rows[0]) for row in rows)
    _, nothing = report(capsys, duckdb_path, "--format", "csv", "--by", "month", "--since", "2030-01-01")
    assert nothing.splitlines() == [",".join(rows[0])]


def test_a_missing_file_or_missing_models_is_one_line(capsys, tmp_path: Path) -> None:
    missing_code = main(["report", "--duckdb", str(tmp_path / "nothing.duckdb")])
    missing = capsys.readouterr()
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    no_models_code = main(["report", "--duckdb", str(empty)])
    no_models = capsys.readouterr()

    assert (missing_code, missing.out) == (2, "")
    assert missing.err.count("\n") == 1 and "no DuckDB file at" in missing.err
    assert (no_models_code, no_models.out) == (1, "")
    assert no_models.err.count("\n") == 1 and "xentral-sync models" in no_models.err


def test_an_unknown_status_is_refused(capsys, duckdb_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--duckdb", str(duckdb_path), "--status", "created,shipped"])
    assert exit_info.value.code == 2
    assert "unknown status(es) shipped" in capsys.readouterr().err


def test_top_keeps_exactly_n_rows_per_currency_on_ties(capsys, duckdb_path: Path) -> None:
    """A and B both have 400 EUR: one row, A (the smaller key), still ranked 1."""
    _, out = report(capsys, duckdb_path, "--top", "1", "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(row["customer_number"], row["currency"], row["revenue_rank"]) for row in rows] == [
        ("1000D", "CHF", "1"), ("1000A", "EUR", "1")]


def test_months_read_as_months(capsys, duckdb_path: Path) -> None:
    _, table = report(capsys, duckdb_path, "--by", "month")
    _, csv_text = report(capsys, duckdb_path, "--by", "month", "--format", "csv")

    assert any(line.split()[1:3] == ["2026-01", "EUR"] for line in table.splitlines()[2:])
    assert "2026-01-01" not in table and ",2026-01,EUR," in csv_text


def test_a_file_held_by_a_sync_is_busy_one_line_exit_3(capsys, duckdb_path: Path, tmp_path: Path) -> None:
    """A sync holds a write connection for its whole run; the report says so and when to retry."""
    held = tmp_path / "held.duckdb"
    held.write_bytes(duckdb_path.read_bytes())
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
                               "sys.stdin.read()", str(held)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "open\n"
        code = main(["report", "--duckdb", str(held)])
    finally:
        holder.communicate("")
    captured = capsys.readouterr()

    assert (code, captured.out) == (3, "")
    assert captured.err == (f"error: a sync (process {holder.pid}) is writing {held}: "
                            "run this again when it has finished\n")


@pytest.mark.parametrize("by", ["value-band", "product"])
def test_with_only_orders_synced_the_report_says_what_is_missing(capsys, tmp_path: Path, by: str) -> None:
    raw = RawData()
    raw.order("1", "A", "100", status="released")
    path = tmp_path / "orders_only.duckdb"
    with duckdb.connect(str(path)) as connection:
        raw.load(connection, ("sales_orders", "sales_order_positions"))
        build_models(wrap(connection))

    code = main(["report", "--duckdb", str(path), "--by", by])
    captured = capsys.readouterr()

    assert (code, captured.out) == (1, "")
    assert captured.err == (f"error: {path} has no analytics.stg_xentral__customers yet: sync sales orders "
                            "and customers, then run `xentral-sync models`\n")


def test_the_report_starts_without_importing_dlt() -> None:
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, pipelines.analytics.report; print('dlt' in sys.modules)"],
        capture_output=True, text=True, check=True)
    assert imported.stdout == "False\n"


MART_EQUIVALENTS = {
    "customer": ("select customer_id, currency, orders, canceled_orders, net_revenue, gross_revenue, average_order_value, "
                 "revenue_share, revenue_rank, first_order_date, last_order_date "
                 "from analytics.customer_order_summary where currency is not null"),
    "value-band": ("select value_band, currency, orders, canceled_orders, net_revenue, gross_revenue, average_order_value, "
                   "revenue_share from analytics.order_value_bands where orders + canceled_orders > 0"),
    "month": ("select order_month, currency, sum(orders) as orders, sum(canceled_orders) as canceled_orders, "
              "sum(net_revenue) as net_revenue, sum(gross_revenue) as gross_revenue "
              "from analytics.customer_monthly_revenue group by order_month, currency"),
    "product": ("select product_id, currency, quantity, orders, customers, net_revenue, gross_revenue, revenue_rank "
                "from analytics.product_sales where orders > 0"),
}


@pytest.mark.parametrize("by", list(MART_EQUIVALENTS))
def test_without_filters_the_report_equals_the_marts(duckdb_path: Path, by: str) -> None:
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        mart = connection.execute(MART_EQUIVALENTS[by])
        columns = [column[0] for column in mart.description]
        expected = sorted(mart.fetchall(), key=str)
        rows = build_report(wrap(connection), wrap(connection).namespace("xentral", "analytics"), ReportFilter(by=by)).rows

    reported = [tuple(row[column] for column in columns) for row in rows if by != "product" or row["orders"]]
    assert len(expected) > 2
    assert sorted(reported, key=str) == expected
