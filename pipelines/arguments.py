"""Argument types the subcommands share, so a bad value reads the same everywhere."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from pipelines import settings

T = TypeVar("T")

ORDER_STATUSES = ("created", "released", "completed", "canceled", "unknown")
"""Sales order status values of the v1 API (FACTS.md)."""


def flag_type(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse type from one of `pipelines.settings`' value checks: flags and files check alike."""

    def parse_flag(value: str) -> T:
        try:
            return parse(value)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse_flag.__name__ = parse.__name__  # argparse names the type in its messages
    return parse_flag


positive_int = flag_type(settings.positive_int)
positive_number = flag_type(settings.positive_number)
share = flag_type(settings.share)


def add_destination_argument(parser: argparse.ArgumentParser) -> None:
    """`--destination duckdb|postgres`, shared by the commands that read or write the data."""
    parser.add_argument("--destination", type=str.lower, choices=settings.DESTINATIONS,
                        help="where the data lives (default: destination, else duckdb); postgres reads dlt's "
                             "credentials, DESTINATION__POSTGRES__CREDENTIALS or [destination.postgres]")


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-01-31") from None


def comma_list(allowed: Sequence[str], what: str) -> Callable[[str], tuple[str, ...]]:
    """A type for `a,b,c` drawn from `allowed` (case-insensitive, duplicates dropped, order kept)."""

    def parse(value: str) -> tuple[str, ...]:
        names = tuple(dict.fromkeys(name.strip().lower() for name in value.split(",") if name.strip()))
        unknown = sorted(set(names) - set(allowed))
        if unknown or not names:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(unknown) or '(none)'}; choose from {', '.join(allowed)}"
            )
        return names

    return parse
