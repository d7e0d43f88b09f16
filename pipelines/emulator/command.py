"""`xentral-sync emulator ...` and `python -m pipelines.emulator ...`: serve in the foreground."""
from __future__ import annotations

import argparse
import signal
import time
from dataclasses import MISSING, fields
from typing import Any

from .knobs import CHOICES, EmulatorSettings
from .running import start_emulator

LIST_SETTINGS = ("token_scopes", "fail_operations")  # comma-separated on the command line
SHORT_NAMES = {"rate_window_seconds": "--rate-window"}
HIDDEN = ("recent_requests",)


def _comma_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def add_emulator_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per setting, named like the setting with dashes (defaults from EmulatorSettings)."""
    for setting in fields(EmulatorSettings):
        if setting.name in HIDDEN:
            continue
        flag = "--" + setting.name.replace("_", "-")
        names = [flag] + ([SHORT_NAMES[setting.name]] if setting.name in SHORT_NAMES else [])
        default = setting.default if setting.default is not MISSING else None
        options: dict[str, Any] = {"dest": setting.name, "default": None}
        if setting.name in LIST_SETTINGS:
            options.update(type=_comma_list, metavar="A,B", help="comma-separated (default: all)")
        elif setting.name in CHOICES:
            options.update(choices=CHOICES[setting.name], help=f"(default: {default})")
        elif setting.name == "clock_start":
            options.update(metavar="ISO", help="world clock start (default: now)")
        else:
            options.update(type=type(default), help=f"(default: {default})")
        parser.add_argument(*names, **options)


def add_emulator_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "emulator", help="run the Xentral API emulator on 127.0.0.1",
        description="Serve an emulated Xentral API with seeded data on 127.0.0.1 until Ctrl-C.")
    add_emulator_arguments(parser)
    return parser


def settings_from(args: argparse.Namespace) -> EmulatorSettings:
    given = {f.name: getattr(args, f.name) for f in fields(EmulatorSettings)
             if getattr(args, f.name, None) is not None}
    return EmulatorSettings(**given)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def run_emulator_command(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; returns the exit code."""
    try:
        settings = settings_from(args)
    except ValueError as error:
        print(f"error: {error}")
        return 2
    signals: list[int] = []
    # The handlers only note the signal: a handler that takes a lock (Event.set) can deadlock
    # against the main thread it interrupts, and KeyboardInterrupt can land between any two lines.
    previous = {number: signal.signal(number, lambda number, _: signals.append(number)) for number in STOP_SIGNALS}
    try:
        with start_emulator(settings) as emulator:
            print(f"Xentral emulator on {emulator.base_url} ({settings.orders} orders, {settings.products} "
                  f"products, {settings.customers} customers, seed {settings.seed})")
            print(f"Token: {emulator.token}")
            print("Use it with:")
            print(f"  export XENTRAL_INSTANCE_HOST={emulator.base_url}")
            print(f"  export XENTRAL_API_TOKEN={emulator.token}")
            print("Press Ctrl-C to stop.", flush=True)
            while not signals:
                time.sleep(0.1)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    print("Emulator stopped.")
    return 0
