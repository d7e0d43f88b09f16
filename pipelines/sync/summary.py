"""The end-of-run summary: rows per table, requests, waits, time."""

from __future__ import annotations

from pipelines.sync.runner import SyncResult


def print_sync_summary(result: SyncResult) -> None:
    print(format_sync_summary(result))


def format_sync_summary(result: SyncResult) -> str:
    run = result.run
    lines = []
    if result.resumed_interrupted_run:
        lines.append("Loaded what an interrupted earlier run had extracted.")
    status = "complete" if result.complete else f"stopped early: {run.stop_reason or run.failure}"
    lines.append(
        f"Sync {status} in {result.seconds:.1f} s: {result.requests} requests "
        f"({result.retries} retried), {result.rate_limit_waits} rate-limit waits "
        f"({result.rate_limit_waited_seconds:.1f} s)."
    )
    if run.stop_reason:
        lines.append("The next run continues where this one stopped.")
    if run.apis:
        lines.append("Read through " + "; ".join(
            f"{resource} {choice.version} ({choice.reason})" for resource, choice in run.apis.items()) + ".")
    lines.append(f"Loaded into {result.loaded_into}.")
    lines.append(f"{'table':<24}{'rows':>10}{'fetched now':>14}")
    fetched = {name: progress.rows for name, progress in run.progress.items()}
    for table, rows in result.table_rows.items():
        lines.append(f"{table:<24}{rows:>10}{_fetched(fetched, table):>14}")
    flagged = {table: count for table, count in result.vanished.items() if count}
    if flagged:
        counts = ", ".join(f"{table} {count}" for table, count in flagged.items())
        lines.append(f"Vanished from Xentral (flagged in vanished_at): {counts}")
    return "\n".join(lines)


def _fetched(fetched: dict[str, int], table: str) -> str:
    return str(fetched[table]) if table in fetched else "-"
