"""Progress of an import: a bar redrawn at a terminal, a plain log line every so many orders under cron.

The same line as the sync's (``pipelines.console.LiveLine``), holding orders instead of pages,
logged under the import's own logger.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TextIO

from pipelines.console import LiveLine
from pipelines.order_import.model import OrderOutcome, Outcome

log = logging.getLogger("pipelines.order_import")

LOG_EVERY_ORDERS = 50


class ImportProgress(LiveLine):
    """Receives each settled order and each rate-limit wait; shows them as they come."""

    _logger = log

    def __init__(self, stream: TextIO | None = None, interactive: bool | None = None, width: int | None = None) -> None:
        super().__init__(stream, interactive, width)
        self._counts: Counter[Outcome] = Counter()
        self._done = 0
        self._total = 0

    def on_outcome(self, outcome: OrderOutcome, done: int, total: int) -> None:
        self._counts[outcome.outcome] += 1
        self._done, self._total = done, total
        if self._interactive:
            self._redraw()
        elif done == total or done % LOG_EVERY_ORDERS == 0:
            log.info("import: %s", self._status())

    def _line(self) -> str:
        width = 20
        filled = width * self._done // self._total if self._total else width
        return f"[{'#' * filled}{'.' * (width - filled)}] {self._status()}"

    def _status(self) -> str:
        counts = ", ".join(f"{count} {outcome.value}" for outcome, count in self._counts.items())
        return f"{self._done}/{self._total} orders ({counts})" + self._waits_text()
