"""Figures from repeated runs: median with min and max, and ratios taken run by run."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured quantity over several runs."""

    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def low(self) -> float:
        return min(self.runs)

    @property
    def high(self) -> float:
        return max(self.runs)

    def text(self, digits: int = 2) -> str:
        if len(self.runs) == 1:
            return f"{self.median:,.{digits}f} (1 run)"
        return f"{self.median:,.{digits}f} ({self.low:,.{digits}f}–{self.high:,.{digits}f}, {len(self.runs)} runs)"


def figure(values: Sequence[float]) -> Figure:
    return Figure(tuple(values))


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> Figure:
    """Run i of A over run i of B, for every i: noise that hits both runs of a pair cancels."""
    if len(numerators) != len(denominators):
        raise ValueError("paired ratios need as many runs on each side")
    return figure([a / b for a, b in zip(numerators, denominators, strict=True)])
