"""Progress for people at a terminal, plain log lines for cron."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pipelines.xentral.control import ResourceProgress

log = logging.getLogger("pipelines.sync")

LOG_EVERY_PAGES = 20
"""Under cron, one line per this many pages keeps logs readable on large instances."""


LOG_WAITS_FROM_SECONDS = 1.0
"""Pacing makes many tiny waits; only the long ones get a line (all are in the summary)."""


class LiveLine:
    """A status line redrawn at a terminal, log lines under cron; subclasses say what the line holds.

    Rate-limit waits are counted for the line; under cron only the long ones get a log line, under
    the subclass's logger (``_logger``).
    """

    _logger = log

    def __init__(self, stream: TextIO = sys.stderr, interactive: bool | None = None) -> None:
        self._stream = stream
        self._interactive = stream.isatty() if interactive is None else interactive
        self._waits = 0
        self._waited = 0.0
        self._drawn = False

    def on_wait(self, seconds: float, reason: str) -> None:
        self._waits += 1
        self._waited += seconds
        if self._interactive:
            self._redraw()
        elif seconds >= LOG_WAITS_FROM_SECONDS:
            self._logger.info("waiting %.1f s for the rate limit (%s)", seconds, reason)

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()

    def _line(self) -> str:
        raise NotImplementedError

    def _waits_text(self) -> str:
        return f" | limit waits {self._waits} ({self._waited:.1f} s)" if self._waits else ""

    def _redraw(self) -> None:
        self._drawn = True
        self._stream.write("\r\033[K" + self._line())
        self._stream.flush()


class ProgressReporter(LiveLine):
    """Receives the sync's counters and rate-limit waits; shows them as they come."""

    def __init__(self, stream: TextIO = sys.stderr, interactive: bool | None = None) -> None:
        super().__init__(stream, interactive)
        self._resources: dict[str, ResourceProgress] = {}
        self._logged_pages: dict[str, int] = {}
        self._requests = 0

    def on_progress(self, resource: str, progress: ResourceProgress, requests: int) -> None:
        self._resources[resource] = progress
        self._requests = requests
        if self._interactive:
            self._redraw()
        elif progress.done or progress.pages >= self._logged_pages.get(resource, 0) + LOG_EVERY_PAGES:
            self._logged_pages[resource] = progress.pages
            self._log(resource, progress, requests)

    def _log(self, resource: str, progress: ResourceProgress, requests: int) -> None:
        state = "done" if progress.done else "running"
        log.info(
            "%s %s: %d pages, %d rows, %d detail requests (%d requests in all)",
            resource, state, progress.pages, progress.rows, progress.details, requests,
        )

    def _line(self) -> str:
        parts = [
            f"{name} {p.pages}p {p.rows}r {p.details}d{' ✓' if p.done else ''}"
            for name, p in self._resources.items()
        ]
        return " | ".join(parts) + f" | {self._requests} requests" + self._waits_text()
