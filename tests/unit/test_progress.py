"""Progress: a redrawn line at a terminal, sparse log lines under cron."""

from __future__ import annotations

import io
import logging

import pytest

from pipelines.sync.progress import LOG_EVERY_PAGES, ProgressReporter
from pipelines.xentral.run import ResourceProgress


def test_terminal_gets_one_redrawn_line_per_update() -> None:
    stream = io.StringIO()
    reporter = ProgressReporter(stream, interactive=True)
    reporter.on_progress("sales_orders", ResourceProgress(pages=2, rows=100, details=100), 102)
    reporter.on_wait(1.5, "pacing")
    reporter.on_progress("products", ResourceProgress(pages=1, rows=40, done=True), 103)
    reporter.close()

    screen = stream.getvalue()
    assert screen.count("\r\033[K") == 3 and screen.endswith("\n")
    assert "sales_orders 2p 100r 100d" in screen and "products 1p 40r 0d ✓" in screen
    assert "limit waits 1 (1.5 s)" in screen and "103 requests" in screen


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
    assert [line for line in lines if "waiting" in line] == ["waiting 12.0 s for the rate limit (Retry-After)"]
