"""What the commands share: a sync with its progress shown, models built with their report."""

from __future__ import annotations

from pathlib import Path

from pipelines.analytics_errors import ModelError, ModelInputError
from pipelines.duckdb_file import connect_existing
from pipelines.models import DEFAULT_MODELS_DIR, NothingSyncedError, build_models, run_data_tests
from pipelines.progress import ProgressReporter
from pipelines.settings import Settings
from pipelines.summary import print_models, print_sync_summary
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


def build_and_test_models(settings: Settings, models_dir: Path = DEFAULT_MODELS_DIR) -> None:
    """Build the models and run their data tests; a failing test (not a warning) fails the command."""
    with connect_existing(settings.duckdb_path) as connection:
        try:
            report = build_models(connection, models_dir, dataset=settings.dataset,
                                  models_schema=settings.models_schema)
        except NothingSyncedError as error:
            raise ModelInputError(f"{settings.duckdb_path}: {error}; run `xentral-sync sync` first, or pass the "
                                  "--dataset the sync writes to") from None
        failures = run_data_tests(connection, report, models_dir)
    print_models(report, failures)
    errors = [failure for failure in failures if not failure.is_warning]
    if errors:
        raise ModelError(f"{len(errors)} data test(s) failed: " + ", ".join(f.name for f in errors))
