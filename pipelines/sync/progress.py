"""Progress for people at a terminal, plain log lines for cron."""

from __future__ import annotations

import logging
from typing import TextIO

from pipelines.console import LiveLine, plural
from pipelines.xentral.run import ResourceProgress

log = logging.getLogger("pipelines.sync")

LOG_EVERY_PAGES = 20
"""Under cron, one line per this many pages keeps logs readable on large instances."""


class ProgressReporter(LiveLine):
    """Receives the sync's counters and rate-limit waits; shows them as they come."""

    _logger = log

    def __init__(self, stream: TextIO | None = None, interactive: bool | None = None, width: int | None = None) -> None:
        super().__init__(stream, interactive, width)
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
            "%s %s: %s, %s, %s (%s in all)", resource, state, plural(progress.pages, "page"),
            plural(progress.rows, "row"), plural(progress.details, "detail request"), plural(requests, "request"),
        )

    def _line(self) -> str:
        """``sales_orders: 4 pages, 200 rows, 200 details ✓ · products: … · 412 requests · 2 rate-limit waits (3 s)``"""
        parts = [
            f"{name}: {plural(p.pages, 'page')}, {plural(p.rows, 'row')}, {plural(p.details, 'detail')}"
            f"{' ✓' if p.done else ''}"
            for name, p in self._resources.items()
        ]
        return " · ".join([*parts, plural(self._requests, "request")]) + self._waits_text()
