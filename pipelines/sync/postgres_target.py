"""PostgreSQL as the sync's destination: its credentials checked before anything is fetched, one sync per dataset.

What DuckDB needs and PostgreSQL does not: no file is held open (dlt connects per job, and
readers read while it loads: every load job and merge is a transaction of its own), no
checkpoint, and no repair of rows an earlier version doubled (that version never loaded into
PostgreSQL). The lock that keeps a second sync of the same dataset out is an advisory lock in the
database, held by one connection for the run, so it holds across machines too; a file lock
guards dlt's working folder as with DuckDB.

dlt's working folder is local: `.xentral-sync/postgres-<database>/` in the folder the command
runs in (one pipeline folder per instance inside). dlt keeps its state in the dataset too and
takes it from there when the dataset is newer, or forgets the local one when the dataset is gone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipelines.postgres import connect_postgres, dlt_destination, libpq_reason, resolve_postgres_credentials
from pipelines.settings import Settings
from pipelines.sync.destination import SyncLockedError, SyncTarget

WORKING_FOLDERS = Path(".xentral-sync")
LOCK_NAMESPACE = "xentral-sync"
"""The first key of the dataset's advisory lock (the second is the dataset's name)."""


class PostgresTarget(SyncTarget):
    kind = "PostgreSQL"
    loader_file_format = "insert_values"
    """dlt's default for PostgreSQL. Its CSV files (loaded with COPY) are faster, but dlt loads every
    nullable column with FORCE_NULL, so the empty strings Xentral sends in many fields would arrive
    as NULL; inserted, every value arrives as sent (bench/RESULTS.md has both against DuckDB)."""
    repairs_doubled_rows = False

    def __init__(self, settings: Settings) -> None:
        self._credentials = resolve_postgres_credentials()
        folder = WORKING_FOLDERS / f"postgres-{re.sub(r'[^A-Za-z0-9_.-]', '_', self._credentials.database)}"
        self.working_folder = folder
        self.lock_path = folder.with_name(folder.name + ".lock")
        self.where = f"PostgreSQL {self._credentials.shown}"
        self.local_files = f"dlt's working folder {folder.resolve()}"
        self.local_files_fix = "run the sync from a folder it may write"
        self._locks: Any = None

    def check(self, datasets: Sequence[str]) -> None:
        """Connect (a refusal is one line naming the setting, exit 2) and lock each dataset for the run."""
        self._locks = connect_postgres(self._credentials)
        with self._locks.cursor() as cursor:
            for dataset in datasets:
                cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s), hashtext(%s))", (LOCK_NAMESPACE, dataset))
                [(locked,)] = cursor.fetchall()
                if not locked:
                    raise SyncLockedError(f"another sync is loading dataset {dataset} in {self.where}; "
                                          "this one exits without touching it")

    def dlt_destination(self) -> Any:
        return dlt_destination(self._credentials)

    def after_load(self) -> None:
        """Nothing: each load job committed its rows."""

    def problem(self, error: BaseException, at_step: str | None = None) -> str:
        reason, step = libpq_reason(error), f" at step {at_step}" if at_step else ""
        if "permission denied" in reason:
            return (f"{self.where} refused user {self._credentials.user!r}{step}: {reason}; "
                    f"it needs CREATE on the database (GRANT CREATE ON DATABASE {self._credentials.database} "
                    f"TO {self._credentials.user})")
        return f"writing to {self.where} failed{step}: {reason}"

    def close(self) -> None:
        if self._locks is not None:
            self._locks.close()  # the advisory locks end with their session
            self._locks = None
