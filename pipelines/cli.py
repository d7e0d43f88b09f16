"""`xentral-sync`: one command whose subcommands call the sync, the emulator, the demo and the models."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from pipelines.analytics.build import build_and_test_models
from pipelines.analytics.errors import ModelError
from pipelines.analytics.models import DEFAULT_MODELS_DIR
from pipelines.analytics.report import add_report_parser
from pipelines.api.errors import (
    AuthenticationError,
    ConfigError,
    NotXentralError,
    PermissionDeniedError,
    UnreachableError,
    XentralError,
)
from pipelines.api.timestamps import XENTRAL_TIMEZONE
from pipelines.arguments import add_destination_argument, comma_list, positive_int, positive_number, share
from pipelines.demo import add_demo_arguments, demo_command
from pipelines.emulator.cli import add_emulator_parser, run_emulator_command
from pipelines.exit_codes import HELP_TEXT, ExitCode
from pipelines.lookups import add_lookup_parsers
from pipelines.order_import.command import add_import_parser
from pipelines.runner import sync_with_progress
from pipelines.settings import resolve_settings
from pipelines.xentral.config import resolve_sync_config
from pipelines.xentral.extract import SyncOptions
from pipelines.xentral.settings import RESOURCE_NAMES
from pipelines.xentral.sync import SyncLockedError

VERBOSE_HELP = "debug logging (never shows the token)"

log = logging.getLogger("pipelines.cli")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    previous_sigterm = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return int(args.handler(args))
    except (ConfigError, AuthenticationError, PermissionDeniedError, NotXentralError, UnreachableError) as error:
        return _fail(str(error), ExitCode.CONFIG)
    except SyncLockedError as error:
        return _fail(str(error), ExitCode.BUSY)
    except ModelError as error:
        return _fail(str(error), error.exit_code)
    except XentralError as error:
        return _fail(str(error), ExitCode.FAILED)
    except KeyboardInterrupt:
        return _fail("interrupted: nothing half-done stays behind; the next run continues", ExitCode.INTERRUPTED)
    except BrokenPipeError:  # `xentral-sync report | head`: the reader has all it wanted
        _discard_stdout()
        return ExitCode.OK
    except Exception as error:  # a bug or an environment problem: one line, the traceback in the log
        log.debug("unexpected failure", exc_info=True)
        return _fail(f"unexpected {type(error).__name__}: {error} (run with -v for details)", ExitCode.FAILED)
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)


class Parser(argparse.ArgumentParser):
    """argparse, reporting a mistake on the command line in one line (exit 2), not a usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.CONFIG, f"error: {message} (see {self.prog} --help)\n")


def sync_command(args: argparse.Namespace) -> int:
    """Sync, then build the models; the summary goes to stdout."""
    options = _options(args)
    config = resolve_sync_config(
        {
            "instance": args.instance,
            "duckdb_path": args.duckdb,
            "dataset": args.dataset,
            "rate_limit": args.rate_limit,
            "rate_window_seconds": args.rate_window,
            "rate_headroom": args.rate_headroom,
            "rows_per_load": args.rows_per_load,
        }
    )
    sync_with_progress(
        config,
        options,
        resources=args.resources,
        max_requests=args.max_requests,
        time_budget_seconds=args.time_budget * 60 if args.time_budget else None,
    )
    if not args.no_models:
        build_and_test_models(resolve_settings({"duckdb_path": config.duckdb_path, "dataset": config.dataset}))
    return ExitCode.OK


def models_command(args: argparse.Namespace) -> int:
    settings = resolve_settings({"destination": args.destination, "duckdb_path": args.duckdb, "dataset": args.dataset})
    build_and_test_models(settings, Path(args.models_dir))
    return ExitCode.OK


def _options(args: argparse.Namespace) -> SyncOptions:
    if args.full_refresh and (args.since or args.until):
        raise ConfigError("--full-refresh takes everything; it cannot be combined with --since/--until")
    if args.since and args.until and args.since > args.until:
        raise ConfigError(
            f"--since {args.since.isoformat()} is after --until {args.until.isoformat()}: swap them"
        )
    return SyncOptions(full_refresh=args.full_refresh, since=args.since, until=args.until)


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="xentral-sync", description=__doc__, epilog=HELP_TEXT)
    parser.add_argument("-v", "--verbose", action="store_true", help=VERBOSE_HELP)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    _add_sync_parser(commands)
    add_emulator_parser(commands).set_defaults(handler=run_emulator_command)
    _add_demo_parser(commands)
    add_lookup_parsers(commands)
    add_import_parser(commands)
    models = commands.add_parser("models", help="build the SQL models in sql/ and run their data tests")
    add_destination_argument(models)
    models.add_argument("--duckdb", metavar="PATH", help="DuckDB file (default: duckdb_path, else xentral.duckdb)")
    models.add_argument("--dataset", metavar="NAME", help="schema of the raw tables (default: dataset, else xentral)")
    models.add_argument("--models-dir", default=str(DEFAULT_MODELS_DIR), help="folder of .sql models")
    models.set_defaults(handler=models_command)
    add_report_parser(commands)
    for command in _leaf_parsers(parser):
        command.epilog = HELP_TEXT
        # also after the subcommand (`sync -v`); absent there, it leaves the main parser's value alone
        command.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
    return parser


def _leaf_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every parser that runs a command (`sync`, `orders list`, ...), however deeply nested."""
    groups = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not groups and parser.prog != "xentral-sync":
        yield parser
    for group in groups:
        for child in dict.fromkeys(group.choices.values()):  # aliases point at the same parser
            yield from _leaf_parsers(child)


def _add_sync_parser(commands: Any) -> None:
    sync = commands.add_parser("sync", help="sync sales orders, products and customers into DuckDB")
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
    sync.add_argument("--duckdb", help="DuckDB file (default: xentral.duckdb)")
    sync.add_argument("--dataset", help="schema for the raw tables (default: xentral)")
    sync.add_argument("--rate-limit", type=positive_int, help="requests per window (default: 100)")
    sync.add_argument("--rate-window", type=positive_number,
                      help="rate limit window in seconds (default: 60)")
    sync.add_argument("--rate-headroom", type=share, help="share of the limit left unused (default: 0.1)")
    sync.add_argument("--rows-per-load", type=positive_int, metavar="N",
                      help="load after about N fetched rows, then go on; bounds memory (default: 5000)")
    sync.add_argument("--no-models", action="store_true", help="do not build the SQL models after the sync")
    sync.set_defaults(handler=sync_command)


def _add_demo_parser(commands: Any) -> None:
    demo = commands.add_parser("demo", help="start the emulator, sync twice, build the models, show a summary")
    add_demo_arguments(demo)
    demo.set_defaults(handler=demo_command)


def _cli_time(value: str) -> datetime:
    """An ISO timestamp; without an offset it is Xentral's local time, a bare date its midnight."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date or timestamp like 2026-10-25T03:00:00+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=XENTRAL_TIMEZONE)


def _configure_logging(verbose: bool) -> None:
    """Plain log lines under cron; at a terminal the progress line speaks and logs only warn.

    dlt sets up its own logger from `runtime.log_level`; it warns about every all-null
    column, which is noise here, so it only speaks up for errors unless asked to.
    """
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "DEBUG" if verbose else "ERROR")
    quiet = logging.WARNING if sys.stderr.isatty() else logging.INFO
    logging.basicConfig(
        level=logging.DEBUG if verbose else quiet,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)


def _fail(message: str, code: ExitCode) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM (a scheduler stopping the job) ends the run like Ctrl-C."""
    raise KeyboardInterrupt


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's own flush at exit finds no closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
