"""What people see at a terminal, on rich: a status line while a command works, and tables.

At a terminal the status line is redrawn in place and cut to the terminal's width; under cron
(no terminal) the commands write plain log lines instead, which subclasses choose.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from rich import box
from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

_RULE_UNDER_HEADER = box.Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)
"""No frame, only dashes under each header: the table reads the same in a terminal, a file or a mail."""

LOG_WAITS_FROM_SECONDS = 1.0
"""Pacing makes many tiny waits; only the long ones get a line (all are in the summary)."""


class LiveLine:
    """A status line redrawn at a terminal, log lines under cron; subclasses say what the line holds.

    Rate-limit waits are counted for the line; under cron only the long ones get a log line, under
    the subclass's logger (``_logger``).
    """

    _logger = logging.getLogger("pipelines")

    def __init__(self, stream: TextIO | None = None, interactive: bool | None = None, width: int | None = None) -> None:
        stream = stream or sys.stderr  # the one at the time: a test's capture, or the process's
        self._interactive = stream.isatty() if interactive is None else interactive
        self._console = Console(file=stream, force_terminal=self._interactive, highlight=False, width=width)
        self._live: Live | None = None
        self._waits = 0
        self._waited = 0.0

    def on_wait(self, seconds: float, reason: str) -> None:
        self._waits += 1
        self._waited += seconds
        if self._interactive:
            self._redraw()
        elif seconds >= LOG_WAITS_FROM_SECONDS:
            self._logger.info("waiting %.1f s for the rate limit (%s)", seconds, reason)

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def _line(self) -> str:
        raise NotImplementedError

    def _waits_text(self) -> str:
        if not self._waits:
            return ""
        return f" · {plural(self._waits, 'rate-limit wait')} ({self._waited:.1f} s)"

    def _redraw(self) -> None:
        line = Text(self._line(), no_wrap=True, overflow="ellipsis")
        if self._live is None:
            self._live = Live(line, console=self._console, auto_refresh=False, transient=False)
            self._live.start()
        self._live.update(line, refresh=True)


def plural(count: int, noun: str) -> str:
    """``1 page``, ``2 pages``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool],
               max_cell: int | None = None) -> str:
    """A plain-text table: a header, a rule, aligned columns (`right` ones to the right), long cells
    cut with an ellipsis at `max_cell` characters; no colour, no frame, so it reads in any log."""
    table = Table(box=_RULE_UNDER_HEADER, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0), header_style="")
    for header, to_right in zip(headers, right):
        table.add_column(header, justify="right" if to_right else "left", no_wrap=True, overflow="ellipsis",
                         max_width=max_cell)
    for row in rows:
        table.add_row(*row)
    rendered = io.StringIO()
    Console(file=rendered, width=10_000, color_system=None, highlight=False, emoji=False).print(table)
    return "\n".join(line.rstrip() for line in rendered.getvalue().splitlines() if line.strip())
