"""A sync with its progress shown and its summary at the end, as the commands run it."""

from __future__ import annotations

from pipelines.progress import ProgressReporter
from pipelines.summary import print_sync_summary
from pipelines.xentral.config import SyncConfig
from pipelines.xentral.extract import SyncOptions
from pipelines.xentral.sync import SyncResult, run_sync


def sync_with_progress(config: SyncConfig, options: SyncOptions, **limits: object) -> SyncResult:
    """Run a sync showing progress as it goes and its summary at the end."""
    reporter = ProgressReporter()
    try:
        result = run_sync(config, options, on_progress=reporter.on_progress, on_wait=reporter.on_wait, **limits)  # type: ignore[arg-type]
    finally:
        reporter.close()
    print_sync_summary(result)
    return result
