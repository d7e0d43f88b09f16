"""`xentral-sync demo`: the whole product on the embedded emulator, in under a minute.

Starts a seeded emulator, syncs everything, changes a few things in the emulated Xentral,
syncs again (only the changes cost requests), builds the SQL models, prints the report and
writes it as a page with charts.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from pipelines.analytics.build import build_and_test_models
from pipelines.analytics.report import ReportFilter, print_report, write_report_page
from pipelines.emulator import EmulatorSettings, RunningEmulator, start_emulator
from pipelines.settings import Settings
from pipelines.sync.command import sync_with_progress

DEMO_RATE_WINDOW_SECONDS = 1.0
"""The demo emulator allows 100 requests a second (Xentral: a minute) so it finishes quickly."""
DEMO_REPORT_TOP = 5


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duckdb", default="xentral_demo.duckdb", help="DuckDB file, recreated (default: %(default)s)")
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--products", type=int, default=80)
    parser.add_argument("--customers", type=int, default=60)
    parser.add_argument("--seed", type=int, default=42)


def demo_command(args: argparse.Namespace) -> int:
    config_path = Path(args.duckdb)
    settings = EmulatorSettings(
        orders=args.orders, products=args.products, customers=args.customers, seed=args.seed,
        rate_window_seconds=DEMO_RATE_WINDOW_SECONDS,
    )
    with start_emulator(settings) as emulator:
        demo = _demo_settings(emulator, config_path)
        _start_fresh(demo)
        print_section(f"Emulated Xentral at {emulator.base_url}: {args.orders} orders, "
                      f"{args.products} products, {args.customers} customers")
        print_section("First sync: everything")
        sync_with_progress(demo)
        changes = _change_the_world(emulator)
        print_section(f"Second sync after {changes}: only the changes cost requests")
        sync_with_progress(demo)
    print_section("SQL models")
    build_and_test_models(demo)
    print_section(f"xentral-sync report --status created,released --top {DEMO_REPORT_TOP}")
    print_report(demo, ReportFilter(statuses=("created", "released"), top=DEMO_REPORT_TOP))
    page = demo.duckdb_path.with_suffix(".html")
    write_report_page(demo, ReportFilter(), page)
    print_section(f"Done. The report as a page with charts (xentral-sync report --format html): {page.resolve()}")
    return 0


def _demo_settings(emulator: RunningEmulator, duckdb_path: Path) -> Settings:
    return Settings(
        instance_host=emulator.base_url,
        api_token=emulator.token,
        duckdb_path=duckdb_path,
        rate_limit=emulator.settings.rate_limit,
        rate_window_seconds=DEMO_RATE_WINDOW_SECONDS,
    )


def _start_fresh(demo: Settings) -> None:
    """The emulator starts from its seed each time, so the demo's DuckDB file does too."""
    demo.duckdb_path.unlink(missing_ok=True)
    demo.duckdb_path.with_name(demo.duckdb_path.name + ".wal").unlink(missing_ok=True)
    shutil.rmtree(demo.pipelines_dir, ignore_errors=True)


def _change_the_world(emulator: RunningEmulator) -> str:
    world = emulator.world
    order_ids = world.order_ids()
    for order_id in order_ids[:3]:
        world.update_order(order_id, comment="Lieferung bitte an die Rampe 2")
    world.cancel_order(order_ids[3])
    for _ in range(2):
        world.create_order()
    world.update_product(world.product_ids()[0], name="Bürostuhl Ergonomic Plus (neu)")
    world.update_customer(world.customer_ids()[0], name="Müller & Söhne GmbH")
    return "3 updated orders, 1 cancellation, 2 new orders, 1 product and 1 customer changed"


def print_section(title: str) -> None:
    print(f"\n== {title}")
