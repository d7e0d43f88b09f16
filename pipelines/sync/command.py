"""`xentral-sync sync`: the sync with its progress shown, its summary printed, then the models built.

The parser needs no dlt; the runner (which does) is imported when the command runs, so the other
commands start without it.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pipelines.analytics.build import build_and_test_models
from pipelines.api.endpoints import SYNCED_LISTS
from pipelines.api.errors import ConfigError
from pipelines.api.timestamps import XENTRAL_TIMEZONE
from pipelines.arguments import add_destination_argument, comma_list, positive_int, positive_number, share
from pipelines.exit_codes import ExitCode
from pipelines.settings import API_CHOICES, Settings, resolve_settings

if TYPE_CHECKING:
    from pipelines.sync.runner import SyncOptions, SyncResult

RESOURCE_NAMES = tuple(SYNCED_LISTS)


def add_sync_parser(commands: Any) -> None:
    sync = commands.add_parser("sync", help="sync sales orders, products and customers into DuckDB or PostgreSQL")
    sync.add_argument("--instance", help="Xentral host, e.g. mycompany.xentral.biz (or XENTRAL_INSTANCE_HOST)")
    sync.add_argument("--resources", type=comma_list(RESOURCE_NAMES, "resource(s)"), default=list(RESOURCE_NAMES),
                      help="comma-separated subset of " + ",".join(RESOURCE_NAMES))
    sync.add_argument("--full-refresh", action="store_true", help="drop the synced tables and cursors, take everything")
    sync.add_argument("--since", type=_cli_time, help="backfill rows updated at or after TS; the nightly cursor stays")
    sync.add_argument("--until", type=_cli_time, help="backfill rows updated at or before TS")
    sync.add_argument("--max-requests", type=positive_int,
                      help="stop cleanly after N requests; the next run continues")
    sync.add_argument("--time-budget", type=positive_number, metavar="MINUTES",
                      help="stop cleanly after this many minutes")
    add_destination_argument(sync)
    sync.add_argument("--duckdb", help="DuckDB file (default: xentral.duckdb)")
    sync.add_argument("--dataset", help="schema for the raw tables (default: xentral)")
    sync.add_argument("--rate-limit", type=positive_int, help="requests per window (default: 100)")
    sync.add_argument("--rate-window", type=positive_number, help="rate limit window in seconds (default: 60)")
    sync.add_argument("--rate-headroom", type=share, help="share of the limit left unused (default: 0.1)")
    sync.add_argument("--rows-per-load", type=positive_int, metavar="N",
                      help="load after about N fetched rows, then go on; bounds memory (default: 5000)")
    sync.add_argument("--api", choices=API_CHOICES,
                      help="auto: sales orders (and customers) through v3 where the instance has it; v1: never v3; "
                           "v3: sales orders only through v3 (default: auto)")
    sync.add_argument("--no-models", action="store_true", help="do not build the SQL models after the sync")
    several = sync.add_mutually_exclusive_group()
    several.add_argument("--all-instances", action="store_true",
                         help="sync every instance under [sources.xentral.instances.<name>], each into its own dataset")
    several.add_argument("--instances", type=_names, metavar="NAMES",
                         help="sync these configured instances (comma-separated names)")
    sync.set_defaults(handler=sync_command)


def sync_command(args: argparse.Namespace) -> int:
    """Sync, then build the models; the summary goes to stdout."""
    from pipelines.sync.runner import SyncOptions

    options = _options(args, SyncOptions)
    settings = resolve_settings({
        "instance_host": args.instance,
        "destination": args.destination,
        "duckdb_path": args.duckdb,
        "dataset": args.dataset,
        "rate_limit": args.rate_limit,
        "rate_window_seconds": args.rate_window,
        "rate_headroom": args.rate_headroom,
        "rows_per_load": args.rows_per_load,
        "api": args.api,
    })
    limits = {"resources": args.resources, "max_requests": args.max_requests,
              "time_budget_seconds": args.time_budget * 60 if args.time_budget else None}
    if args.all_instances or args.instances:
        from pipelines.sync.instances import chosen_instances, sync_instances

        if args.instance:
            raise ConfigError("--instance names one host; with --all-instances or --instances the hosts come "
                              "from [sources.xentral.instances]")
        instances = chosen_instances(settings, args.instances)
        sync_instances(settings, instances, options, build_models=not args.no_models, **limits)
        return ExitCode.OK
    settings.require_instance()
    sync_with_progress(settings, options, **limits)
    if not args.no_models:
        build_and_test_models(settings)
    return ExitCode.OK


def sync_with_progress(settings: Settings, options: SyncOptions | None = None, **limits: Any) -> SyncResult:
    """Run a sync showing progress as it goes and its summary at the end."""
    from pipelines.sync.progress import ProgressReporter
    from pipelines.sync.runner import SyncOptions, run_sync
    from pipelines.sync.summary import print_sync_summary

    reporter = ProgressReporter()
    try:
        result = run_sync(settings, options or SyncOptions(), on_progress=reporter.on_progress,
                          on_wait=reporter.on_wait, **limits)
    finally:
        reporter.close()
    print_sync_summary(result)
    return result


def _options(args: argparse.Namespace, options: type[SyncOptions]) -> SyncOptions:
    if args.full_refresh and (args.since or args.until):
        raise ConfigError("--full-refresh takes everything; it cannot be combined with --since/--until")
    if args.since and args.until and args.since > args.until:
        raise ConfigError(f"--since {args.since.isoformat()} is after --until {args.until.isoformat()}: swap them")
    return options(full_refresh=args.full_refresh, since=args.since, until=args.until)


def _names(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())


def _cli_time(value: str) -> datetime:
    """An ISO timestamp; without an offset it is Xentral's local time, a bare date its midnight."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date or timestamp like 2026-10-25T03:00:00+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=XENTRAL_TIMEZONE)
