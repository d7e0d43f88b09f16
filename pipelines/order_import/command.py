"""``xentral-sync import FILE``: read ► validate ► plan ► send ► report, with progress and a summary."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

from pipelines.api.connect import client_for
from pipelines.api.errors import AuthenticationError, PermissionDeniedError, UnreachableError
from pipelines.arguments import positive_int, positive_number, share
from pipelines.exit_codes import ExitCode
from pipelines.order_import.defaults import ImportDefaults
from pipelines.order_import.model import ImportReport, OrderOutcome, Outcome
from pipelines.order_import.parse import drafts_from_sheet
from pipelines.order_import.read import ImportFileError, read_sheet
from pipelines.order_import.results import rows_text, write_results
from pipelines.order_import.run import import_orders, unfinished_report
from pipelines.order_import.status import ImportProgress
from pipelines.settings import resolve_settings

SETUP_ERRORS = (AuthenticationError, PermissionDeniedError, UnreachableError)
"""Errors that stop sending and need the user to fix the setup, not the file: exit 2 like before sending."""

log = logging.getLogger("pipelines.order_import")


def add_import_parser(commands: Any) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "import", help="create sales orders from a CSV or XLSX file, each at most once (see docs/import.md)"
    )
    parser.add_argument("file", help="CSV or XLSX file, one row per position (template: examples/orders.csv)")
    parser.add_argument("--dry-run", action="store_true", help="check and show what would be created; send nothing")
    parser.add_argument("--sheet", help="XLSX sheet to read (default: the first)")
    parser.add_argument("--auto-shipping", action="store_true",
                        help="let Xentral start shipping at once (default: autoShipping false)")
    parser.add_argument("--results", help="results CSV (default: FILE's name with .results.csv)")
    parser.add_argument("--project", help="project for rows that leave it blank (or default_project)")
    parser.add_argument("--payment-method", help="payment method for rows that leave it blank")
    parser.add_argument("--shipping-method", help="shipping method for rows that leave it blank")
    parser.add_argument("--instance", help="Xentral host, e.g. mycompany.xentral.biz (or XENTRAL_INSTANCE_HOST)")
    add_ledger_arguments(parser)
    parser.add_argument("--rate-limit", type=positive_int, help="requests per window (default: 100)")
    parser.add_argument("--rate-window", type=positive_number, metavar="SECONDS",
                        help="rate limit window in seconds (default: 60)")
    parser.add_argument("--rate-headroom", type=share, metavar="SHARE",
                        help="share of the limit left unused, from 0 to below 1 (default: import_rate_headroom, 0.05)")
    parser.set_defaults(handler=import_command)
    return parser


def add_ledger_arguments(parser: argparse.ArgumentParser) -> None:
    """`--duckdb` and `--ledger`, shared by `import` and `orders create`."""
    parser.add_argument("--duckdb", help="the sync's DuckDB file; the ledger's default place is beside it "
                                         "(default: xentral.duckdb)")
    parser.add_argument("--ledger", metavar="PATH",
                        help="the import ledger, a local SQLite file (default: import_ledger_path, else "
                             "DUCKDB's name with .import-ledger.sqlite)")


def import_command(args: argparse.Namespace) -> int:
    started = time.monotonic()
    path = Path(args.file)
    try:
        sheet = read_sheet(path, args.sheet)
        drafts = drafts_from_sheet(sheet, path)
    except ImportFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.CONFIG
    settings = resolve_settings({
        "instance_host": args.instance, "duckdb_path": args.duckdb, "rate_limit": args.rate_limit,
        "rate_window_seconds": args.rate_window, "import_rate_headroom": args.rate_headroom,
        "default_project": args.project, "default_payment_method": args.payment_method,
        "default_shipping_method": args.shipping_method, "import_ledger_path": args.ledger,
    })
    defaults = ImportDefaults.from_settings(settings)
    ledger_path = settings.import_ledger_file
    results_path = Path(args.results) if args.results else path.with_name(f"{path.stem}.results.csv")
    if not args.dry_run:
        log.info("import ledger: %s", ledger_path)
    progress = ImportProgress()
    client = client_for(settings, headroom=settings.import_rate_headroom, on_wait=progress.on_wait)
    settled: dict[str, OrderOutcome] = {}

    def on_outcome(outcome: OrderOutcome, done: int, total: int) -> None:
        settled[outcome.key] = outcome
        progress.on_outcome(outcome, done, total)

    try:
        report = import_orders(drafts, client, ledger_path, defaults=defaults, dry_run=args.dry_run,
                               auto_shipping=args.auto_shipping, source=str(path), on_outcome=on_outcome,
                               old_ledger_in=settings.duckdb_path)
    except (Exception, KeyboardInterrupt) as error:  # the results file is written whatever stopped the run
        progress.close()
        reason = "interrupted" if isinstance(error, KeyboardInterrupt) else str(error)
        report = unfinished_report(drafts, settled, reason, args.dry_run)
        write_results(results_path, report, sheet.delimiter or ",")
        print(f"{summary_line(report)}; results in {results_path}")
        raise
    progress.close()
    write_results(results_path, report, sheet.delimiter or ",")
    print_report(report)
    ledger_note = "" if args.dry_run else f"; ledger {ledger_path} (a local SQLite file, whatever the destination)"
    print(f"{summary_line(report)}; results in {results_path}{ledger_note} "
          f"({client.requests_made} requests, {time.monotonic() - started:.1f} s)")
    if report.stopped_by is not None:
        print(f"error: stopped sending: {report.stopped_by}", file=sys.stderr)
        if isinstance(report.stopped_by, SETUP_ERRORS):
            return ExitCode.CONFIG
    return ExitCode.OK if report.ok else ExitCode.FAILED


def print_report(report: ImportReport) -> None:
    """One line per order that needs a look (every order in a dry run), one per problem below it."""
    for outcome in report.outcomes:
        if report.dry_run or outcome.outcome in (Outcome.REJECTED, Outcome.FAILED):
            print(_order_line(outcome))
            for problem in outcome.problems:
                print(f"    {problem}")


def summary_line(report: ImportReport) -> str:
    counts = report.counts
    shown = [outcome for outcome in Outcome if counts[outcome] or outcome in (Outcome.REJECTED, Outcome.FAILED)]
    prefix = "dry run" if report.dry_run else "import"
    return f"{prefix}: {len(report.outcomes)} orders: " + ", ".join(f"{counts[o]} {o.value}" for o in shown)


def _order_line(outcome: OrderOutcome) -> str:
    rows = f" (row{'s' if len(outcome.rows) > 1 else ''} {rows_text(outcome.rows)})" if outcome.rows else ""
    found = f" as id {outcome.xentral_id}" if outcome.xentral_id else ""
    return f"{outcome.key}{rows}: {outcome.outcome.value}{found}"
