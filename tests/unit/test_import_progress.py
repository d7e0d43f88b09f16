"""The import's progress line: a bar at a terminal, a log line every so many orders under cron."""

from __future__ import annotations

import io
import logging
import re

import pytest

from pipelines.order_import.model import OrderOutcome, Outcome
from pipelines.order_import.status import LOG_EVERY_ORDERS, ImportProgress


def test_the_terminal_line_shows_the_bar_the_outcomes_and_the_waits() -> None:
    screen = io.StringIO()
    progress = ImportProgress(screen, interactive=True, width=200)
    progress.on_outcome(OrderOutcome("A", Outcome.CREATED), 1, 4)
    progress.on_outcome(OrderOutcome("B", Outcome.SKIPPED), 2, 4)
    progress.on_wait(2.5, "limit")
    progress.close()
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "\r", screen.getvalue())
    last = [frame for frame in plain.split("\r") if frame.strip()][-1]
    assert last.startswith("[##########..........] 2/4 orders (1 created, 1 skipped: already in Xentral)")
    assert "1 rate-limit wait (2.5 s)" in last


def test_under_cron_it_logs_every_so_many_orders_and_the_last(caplog: pytest.LogCaptureFixture) -> None:
    screen = io.StringIO()
    progress = ImportProgress(screen, interactive=False)
    total = LOG_EVERY_ORDERS + 3
    with caplog.at_level(logging.INFO):
        for done in range(1, total + 1):
            progress.on_outcome(OrderOutcome(str(done), Outcome.CREATED), done, total)
        progress.on_wait(2.5, "limit")
    progress.close()
    lines = [(record.name, record.getMessage()) for record in caplog.records]
    assert len(lines) == 3 and lines[1] == ("pipelines.order_import", f"import: {total}/{total} orders ({total} created)")
    assert lines[2] == ("pipelines.order_import", "waiting 2.5 s for the rate limit (limit)")  # not under pipelines.sync
    assert "[#" not in "".join(line for _, line in lines)  # no bar drawn into logs
    assert screen.getvalue() == ""
