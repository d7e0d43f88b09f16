"""Argument types the subcommands share, so a bad value reads the same everywhere."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from datetime import date

ORDER_STATUSES = ("created", "released", "completed", "canceled", "unknown")
"""Sales order status values of the v1 API (FACTS.md)."""


def positive_int(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return int(value)


def positive_number(value: str) -> float:
    """A number greater than 0, such as a window in seconds."""
    number = _number(value)
    if not number > 0:
        raise argparse.ArgumentTypeError(f"{value} is not a number greater than 0")
    return number


def share(value: str) -> float:
    """A share from 0 up to, not including, 1 (0.1 = 10 %)."""
    number = _number(value)
    if not 0 <= number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a share from 0 to below 1 (0.1 = 10 %)")
    return number


def _number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number")
    return number


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
