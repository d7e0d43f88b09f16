"""Where a sync loads, DuckDB or PostgreSQL: what differs between them, behind one interface.

A command opens its target once (`runner.open_target`), takes its lock, checks it can be reached
(`check`) before anything is fetched, and hands each instance's pipeline `dlt_destination()`.
The rest of the sync (the source, recovery, the vanished flags, the counts) is the same on both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from dlt.common.destination import TLoaderFileFormat

from pipelines.api.errors import XentralError
from pipelines.exit_codes import ExitCode


class DestinationError(XentralError):
    """The destination could not be written: busy, full, broken, gone, or not a database."""


class SyncLockedError(XentralError):
    """Another sync holds the destination."""

    exit_code = ExitCode.BUSY


class SyncTarget(ABC):
    """The destination of one command's sync, shared by the instances it syncs."""

    kind: ClassVar[str]
    """`DuckDB` or `PostgreSQL`, for messages."""
    loader_file_format: ClassVar[TLoaderFileFormat]
    """The files dlt loads from: what the engine takes in bulk."""
    repairs_doubled_rows: ClassVar[bool]
    """Whether data an earlier version of the sync doubled may be here (`maintenance.drop_doubled_child_rows`)."""

    working_folder: Path
    """dlt's `pipelines_dir`: state and pending load packages, one folder per pipeline inside."""
    lock_path: Path
    """The file lock that keeps a second sync from this working folder out."""
    where: str
    """The file or the server, for messages (never a password)."""
    local_files: str
    """Where the lock and dlt's working folder are, for the message when they cannot be written."""
    local_files_fix: str
    """What to change then."""

    @abstractmethod
    def check(self, datasets: Sequence[str]) -> None:
        """Before anything is fetched: reach the destination and keep other syncs of `datasets` out."""

    @abstractmethod
    def dlt_destination(self) -> Any:
        """dlt's destination for one pipeline (thread-safe: instances run side by side)."""

    @abstractmethod
    def after_load(self) -> None:
        """Anything the engine needs after each step's load."""

    @abstractmethod
    def problem(self, error: BaseException, at_step: str | None = None) -> str:
        """One line for people: what the engine refused, and what to do."""

    @abstractmethod
    def close(self) -> None:
        """Release what `check` and `dlt_destination` opened."""

    def __enter__(self) -> SyncTarget:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

