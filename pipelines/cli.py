"""`xentral-sync`: one command whose subcommands call the sync, the emulator, the demo and the models."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from pipelines.analytics.build import build_and_test_models
from pipelines.analytics.models import DEFAULT_MODELS_DIR
from pipelines.analytics.report import add_report_parser
from pipelines.arguments import add_destination_argument
from pipelines.demo import add_demo_arguments, demo_command
from pipelines.emulator.command import add_emulator_parser, run_emulator_command
from pipelines.exit_codes import HELP_TEXT, CommandError, ExitCode
from pipelines.interrupts import interrupts_remembered, raise_if_interrupted
from pipelines.lookups import add_lookup_parsers
from pipelines.order_import.command import add_import_parser
from pipelines.settings import resolve_settings
from pipelines.sync.command import add_sync_parser

VERBOSE_HELP = "debug logging (never shows the token)"

log = logging.getLogger("pipelines.cli")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    try:
        with interrupts_remembered():
            code = int(args.handler(args))
            raise_if_interrupted()  # a signal whose KeyboardInterrupt was lost on the way
            return code
    except CommandError as error:  # each says its exit code
        return _fail(str(error), error.exit_code)
    except KeyboardInterrupt:
        return _fail("interrupted: nothing half-done stays behind; the next run continues", ExitCode.INTERRUPTED)
    except BrokenPipeError:  # `xentral-sync report | head`: the reader has all it wanted
        _discard_stdout()
        return ExitCode.OK
    except Exception as error:  # a bug or an environment problem: one line, the traceback in the log
        log.debug("unexpected failure", exc_info=True)
        return _fail(f"unexpected {type(error).__name__}: {error} (run with -v for details)", ExitCode.FAILED)


class Parser(argparse.ArgumentParser):
    """argparse, reporting a mistake on the command line in one line (exit 2), not a usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.CONFIG, f"error: {message} (see {self.prog} --help)\n")


def models_command(args: argparse.Namespace) -> int:
    settings = resolve_settings({"destination": args.destination, "duckdb_path": args.duckdb, "dataset": args.dataset})
    build_and_test_models(settings, Path(args.models_dir))
    return ExitCode.OK


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="xentral-sync", description=__doc__, epilog=HELP_TEXT)
    parser.add_argument("-v", "--verbose", action="store_true", help=VERBOSE_HELP)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    add_sync_parser(commands)
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


def _add_demo_parser(commands: Any) -> None:
    demo = commands.add_parser("demo", help="start the emulator, sync twice, build the models, show a summary")
    add_demo_arguments(demo)
    demo.set_defaults(handler=demo_command)


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


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's own flush at exit finds no closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
