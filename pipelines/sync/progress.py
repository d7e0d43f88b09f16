"""Progress for people at a terminal, plain log lines for cron."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pipelines.console import LiveLine
from pipelines.xentral.run import ResourceProgress

log = logging.getLogger("pipelines.sync")

LOG_EVERY_PAGES = 20
"""Under cron, one line per this many pages keeps logs readable on large instances."""


class ProgressReporter(LiveLine):
    """Receives the sync's counters and rate-limit waits; shows them as they come."""

    _logger = log

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
