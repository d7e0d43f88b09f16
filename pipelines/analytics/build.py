"""`xentral-sync models` (and the end of every sync): build the models, run their data tests, say how it went."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipelines.analytics.engine import open_database
from pipelines.analytics.errors import ModelError, ModelInputError
from pipelines.analytics.models import (
    DEFAULT_MODELS_DIR,
    BuildReport,
    DataTestFailure,
    NothingSyncedError,
    build_models,
    run_data_tests,
)
from pipelines.settings import Settings


def build_and_test_models(settings: Settings, models_dir: Path = DEFAULT_MODELS_DIR) -> None:
    """Build the models and run their data tests; a failing test (not a warning) fails the command."""
    with open_database(settings) as database:
        try:
            report = build_models(database, models_dir, dataset=settings.dataset,
                                  models_schema=settings.models_schema)
        except NothingSyncedError as error:
            raise ModelInputError(f"{database.where}: {error}; run `xentral-sync sync` first, or pass the "
                                  "--dataset the sync writes to") from None
        failures = run_data_tests(database, report, models_dir)
    print_models(report, failures)
    errors = [failure for failure in failures if not failure.is_warning]
    if errors:
        raise ModelError(f"{len(errors)} data test(s) failed: " + ", ".join(f.name for f in errors))


def print_models(report: BuildReport, failures: Sequence[DataTestFailure]) -> None:
    print(f"Built {len(report.built)} SQL models in schema {report.namespace.models_schema}: "
          f"{', '.join(report.built)}")
    for model, table in report.skipped.items():
        print(f"  skipped {model}: needs {table}, which has not been synced yet")
    errors = len([failure for failure in failures if not failure.is_warning])
    print(f"Data tests: {errors} failed, {len(failures) - errors} warning(s)" if failures else "Data tests: all passed")
    for failure in failures:
        print(format_data_test_failure(failure))


def format_data_test_failure(failure: DataTestFailure) -> str:
    """The test, the models it checks, and its first offending rows as `column=value` lines."""
    verdict = "WARNING" if failure.is_warning else "FAILED"
    lines = [f"  data test {failure.name} {verdict} on {', '.join(failure.models)}: "
             f"{failure.failing_rows} offending row(s), first {len(failure.sample)}:"]
    for row in failure.sample:
        lines.append("    " + ", ".join(f"{column}={value}" for column, value in zip(failure.columns, row)))
    return "\n".join(lines)
