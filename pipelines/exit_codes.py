"""The exit codes of every `xentral-sync` command, in one place (listed in `xentral-sync --help`)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a command's exit status means to a script or a scheduler."""

    OK = 0
    """Done: synced, built, imported, found (a clean stop on a budget included)."""
    FAILED = 1
    """The run failed, or an order was rejected, or a lookup matched nothing or several."""
    CONFIG = 2
    """Configuration or input: a missing token, a bad host or flag, an unusable file."""
    BUSY = 3
    """Another sync holds the same DuckDB file."""
    INTERRUPTED = 130
    """Ctrl-C or SIGTERM: nothing half-done stays behind; the next run continues."""


class CommandError(Exception):
    """A failure of a command, for people: one line, and the exit code it means."""

    exit_code: ExitCode = ExitCode.FAILED


HELP_TEXT = (
    "exit codes: 0 ok, 1 failed run (or rejected order, or no single match), "
    "2 configuration or input, 3 busy (another sync on the same file), 130 interrupted"
)
