"""Progress: a redrawn line at a terminal, sparse log lines under cron."""

from __future__ import annotations

import io
import logging
import re

import pytest

from pipelines.sync.progress import LOG_EVERY_PAGES, ProgressReporter
from pipelines.xentral.run import ResourceProgress


def test_terminal_gets_one_redrawn_line_per_update() -> None:
    stream = io.StringIO()
    reporter = ProgressReporter(stream, interactive=True, width=100)
    reporter.on_progress("sales_orders", ResourceProgress(pages=2, rows=100, details=100), 102)
    reporter.on_wait(1.5, "pacing")
    reporter.on_progress("products", ResourceProgress(pages=1, rows=40, done=True), 103)
    reporter.close()

    frames = _frames(stream.getvalue())
    assert len(frames) == 3 and stream.getvalue().rstrip("\x1b[?25h").endswith("\n")
    assert frames[0] == "sales_orders: 2 pages, 100 rows, 100 details · 102 requests"
    assert frames[1] == "sales_orders: 2 pages, 100 rows, 100 details · 102 requests · 1 rate-limit wait (1.5 s)"
    assert frames[2].startswith("sales_orders: 2 pages, 100 rows, 100 details · products: 1 page, 40 rows, 0 deta")
    assert all(len(frame) <= 100 for frame in frames) and frames[2].endswith("…")  # cut to the terminal's width


def _frames(screen: str) -> list[str]:
    """Each line as it showed (a redraw of the same line once), without the terminal's control sequences."""
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "\r", screen)
    frames = [frame.strip() for frame in plain.split("\r") if frame.strip()]
    return [frame for index, frame in enumerate(frames) if index == 0 or frame != frames[index - 1]]


def test_cron_gets_a_line_every_few_pages_and_at_the_end(caplog: pytest.LogCaptureFixture) -> None:
    reporter = ProgressReporter(io.StringIO(), interactive=False)
    with caplog.at_level(logging.INFO, logger="pipelines.sync"):
        for pages in range(1, 2 * LOG_EVERY_PAGES + 1):
            reporter.on_progress("customers", ResourceProgress(pages=pages, rows=pages * 50), pages)
        reporter.on_wait(0.01, "pacing")
        reporter.on_wait(12.0, "Retry-After")
        reporter.on_progress("customers", ResourceProgress(pages=41, rows=2040, done=True), 41)

    lines = [record.getMessage() for record in caplog.records]
    assert len([line for line in lines if "customers running" in line]) == 2
    assert lines[-1] == "customers done: 41 pages, 2040 rows, 0 detail requests (41 requests in all)"
    assert lines[0] == "customers running: 20 pages, 1000 rows, 0 detail requests (20 requests in all)"
    assert [line for line in lines if "waiting" in line] == ["waiting 12.0 s for the rate limit (Retry-After)"]
