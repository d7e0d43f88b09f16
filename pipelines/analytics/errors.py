"""What can go wrong in `models` and `report`: one line for people, and the exit code it means."""

from __future__ import annotations

from pipelines.exit_codes import CommandError, ExitCode


class ModelError(CommandError):
    """A model that does not build, a failing data test, models that do not fit the report."""


class ModelInputError(ModelError):
    """The DuckDB file, the dataset or a SQL file is not usable as given; the message says what to do."""

    exit_code = ExitCode.CONFIG


class DuckDBBusyError(ModelError):
    """Another process (a sync, usually) holds the DuckDB file; retry when it ends."""

    exit_code = ExitCode.BUSY
