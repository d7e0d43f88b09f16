"""Opening the synced DuckDB file for `models` and `report`, with one clear line when that is not possible."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from pipelines.analytics.errors import DuckDBBusyError, ModelInputError

_HOLDER = re.compile(r"\(PID (\d+)\)")


def connect_existing(duckdb_path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to a DuckDB file that must already exist (never creates one).

    Missing or not a DuckDB database: `ModelInputError` (exit 2). Held by another process,
    a sync usually: `DuckDBBusyError` (exit 3).
    """
    if not duckdb_path.is_file():
        raise ModelInputError(f"no DuckDB file at {duckdb_path}: run `xentral-sync sync` first, "
                              "or pass --duckdb PATH (or set duckdb_path) to the file the sync writes")
    try:
        return duckdb.connect(str(duckdb_path), read_only=read_only)
    except duckdb.IOException as error:
        message = str(error)
        if "not a valid DuckDB database" in message:
            raise ModelInputError(f"{duckdb_path} is not a DuckDB database: "
                                  "pass --duckdb PATH to the file the sync writes") from None
        if "lock" not in message.lower():
            raise ModelInputError(f"{duckdb_path} cannot be opened: {message.splitlines()[0]}") from None
        holder = _HOLDER.search(message)
        process = f" (process {holder.group(1)})" if holder else ""
        if read_only:
            raise DuckDBBusyError(f"a sync{process} is writing {duckdb_path}: "
                                  "run this again when it has finished") from None
        raise DuckDBBusyError(f"{duckdb_path} is open in another process{process}, a sync or a reader: "
                              "run this again when it has closed the file") from None
