"""What a long command shows while it works: a line redrawn at a terminal, plain log lines under cron."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

LOG_WAITS_FROM_SECONDS = 1.0
"""Pacing makes many tiny waits; only the long ones get a line (all are in the summary)."""


class LiveLine:
    """A status line redrawn at a terminal, log lines under cron; subclasses say what the line holds.

    Rate-limit waits are counted for the line; under cron only the long ones get a log line, under
    the subclass's logger (``_logger``).
    """

    _logger = logging.getLogger("pipelines")

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
