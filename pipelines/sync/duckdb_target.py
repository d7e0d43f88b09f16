"""The DuckDB file a sync loads into: held open for the run, under a catalog name of its own.

dlt opens and closes DuckDB for every load job, lookup and count; held open, the file is opened
once and dlt borrows the connection (each instance of a run its own cursor). DuckDB names a
file's catalog after the file, so in `xentral.duckdb` the dataset `xentral` would be ambiguous
(`xentral.sales_orders`: catalog or schema?); attached under `<dataset>_file`, any file name goes
with any dataset name.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import dlt
import duckdb
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from pipelines.settings import DEFAULTS, Settings
from pipelines.sync.destination import DestinationError, SyncTarget
from pipelines.sync.recovery import forget_state_without_data


class DuckDBTarget(SyncTarget):
    """The file, opened when the first pipeline needs it: after the Xentral checks, so a wrong token leaves none."""

    kind = "DuckDB"
    loader_file_format = "parquet"
    """DuckDB copies Parquet in bulk; dlt's default, SQL `INSERT ... VALUES`, goes row by row."""
    repairs_doubled_rows = True

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.working_folder = settings.pipelines_dir
        self.lock_path = settings.lock_path
        self.where = f"DuckDB file {settings.duckdb_path}"
        self.local_files = f"beside the DuckDB file {settings.duckdb_path}"
        self.local_files_fix = "set --duckdb (or duckdb_path) to a file in a writable folder"
        self._database: duckdb.DuckDBPyConnection | None = None
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()
        """Guards the held-open connection, which the instances' threads share."""

    def check(self, datasets: Sequence[str]) -> None:
        """Nothing to reach: the file is local, and the sync's file lock keeps other syncs out."""

    def dlt_destination(self) -> Any:
        with self._lock:
            if self._database is None:
                forget_state_without_data(self._settings.duckdb_path, self.working_folder)
                self._database = open_kept(self._settings)
            cursor = self._database.cursor()  # a connection of its own to the same database, for one thread
            self._cursors.append(cursor)
        return dlt.destinations.duckdb(credentials(self._settings, cursor))

    def after_load(self) -> None:
        if self._database is not None:
            with self._lock:
                checkpoint(self._database, file_catalog(self._settings))

    def problem(self, error: BaseException, at_step: str | None = None) -> str:
        return duckdb_problem(error, at_step)

    def close(self) -> None:
        for connection in [*self._cursors, *([self._database] if self._database else [])]:
            connection.close()
        self._cursors, self._database = [], None


def open_kept(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The DuckDB file, open for the whole run; one line saying why when it cannot be."""
    catalog = _identifier(file_catalog(settings))
    try:
        connection = duckdb.connect(":memory:", config=_memory_settings(settings))
        connection.execute(f"ATTACH {_literal(str(settings.duckdb_path))} AS {catalog}")
        connection.execute(f"USE {catalog}")
    except duckdb.Error as error:
        raise DestinationError(f"{duckdb_problem(error)}; nothing was fetched yet") from None
    return connection


def credentials(settings: Settings, database: duckdb.DuckDBPyConnection) -> DuckDbCredentials:
    """dlt's credentials for the open file: its connections are copies of `database`, which do not
    inherit its default catalog, so each is pointed at it."""
    return DuckDbCredentials(database, local_config={"schema": f"{_identifier(file_catalog(settings))}.main"})


def checkpoint(database: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """Write the step's rows into the file's tables now.

    Rows not yet checkpointed stay in DuckDB's memory, which the memory limit cannot spill.
    """
    try:
        database.execute(f"CHECKPOINT {_identifier(catalog)}")
    except duckdb.Error as error:
        raise DestinationError(
            f"{duckdb_problem(error, at_step='checkpoint')}; the loaded rows are kept in DuckDB's log"
        ) from None


def file_catalog(settings: Settings) -> str:
    """The catalog name the sync gives the DuckDB file: never the dataset's name."""
    return f"{settings.dataset}_file"


def duckdb_problem(error: BaseException, at_step: str | None = None) -> str:
    """One line for people: what DuckDB refused, and what to do."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "Could not set lock" in reason or "Conflicting lock" in reason:
        holder = re.search(r"\(PID (\d+)\)", str(error))
        who = f" (process {holder.group(1)})" if holder else ""
        return (
            f"the DuckDB file is open in another process{who}, e.g. a DuckDB session; "
            "close it, or open it with -readonly only while no sync runs"
        )
    if "Out of Memory" in reason:
        return (
            f"DuckDB ran out of memory within duckdb_memory_limit ({reason}); "
            f"set duckdb_memory_limit higher (default {DEFAULTS.duckdb_memory_limit}), e.g. 256MB"
        )
    return f"writing to DuckDB failed at step {at_step}: {reason}" if at_step else f"opening DuckDB failed: {reason}"


def _memory_settings(settings: Settings) -> dict[str, Any]:
    """How DuckDB may use memory while it loads.

    Rows need no order inside a table, and keeping insertion order makes DuckDB hold more of a
    large merge in memory. `duckdb_memory_limit` caps DuckDB's buffers (it spills to a temporary
    folder beside the file), which would otherwise keep every block the run touched.
    """
    return {
        "preserve_insertion_order": False,
        "memory_limit": settings.duckdb_memory_limit,
        "temp_directory": f"{settings.duckdb_path}.tmp",  # where DuckDB spills for a file opened directly
    }


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
