"""One nightly sync: lock, finish what a killed run left, extract and load in steps, flag vanished rows.

The runner is a user of the dlt source like any other: it builds `xentral_source` once, with a
`SyncRun` that carries the budgets and the progress, and runs it through a dlt pipeline into the
destination (the DuckDB file or PostgreSQL, `destination.py`), loading every `rows_per_load` rows
so memory stays flat.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import dlt
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.extract import DltSource
from dlt.pipeline.exceptions import PipelineStepFailed
from filelock import FileLock, Timeout

from pipelines.api.errors import ConfigError, XentralError
from pipelines.api.ratelimit import WaitCallback
from pipelines.settings import Settings
from pipelines.sync.destination import DestinationError, SyncLockedError, SyncTarget
from pipelines.sync.duckdb_target import DuckDBTarget
from pipelines.sync.maintenance import drop_doubled_child_rows, flag_vanished
from pipelines.sync.postgres_target import PostgresTarget
from pipelines.sync.recovery import finish_interrupted_run
from pipelines.xentral import xentral_source
from pipelines.xentral.known import KnownRows
from pipelines.xentral.run import ProgressListener, SyncRun
from pipelines.xentral.settings import RESOURCE_NAMES, RESOURCE_PATHS, TABLES

T = TypeVar("T")

PIPELINE_NAME = "xentral_sync"
WRITE_BUFFER_ROWS = 500
"""Rows dlt holds in memory per table before writing them out; its default of 5000 whole orders cost
a sync a lot of memory, and the files it writes stay as large."""


class SyncFailedError(XentralError):
    """The run loaded what it fetched, then stopped on a failure; the next run continues."""


@dataclass(frozen=True)
class SyncOptions:
    """What this run was asked to take (the command line's choices)."""

    full_refresh: bool = False
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class SyncResult:
    """What a run did, for the summary and for tests."""

    table_rows: dict[str, int]
    requests: int
    retries: int
    rate_limit_waits: int
    rate_limit_waited_seconds: float
    seconds: float
    run: SyncRun
    resumed_interrupted_run: bool
    vanished: dict[str, int] = field(default_factory=dict)
    loaded_into: str = ""
    """The destination and dataset, for people (never a password)."""

    @property
    def loads(self) -> int:
        """Steps of extract, normalize and load the run took (about `rows_per_load` rows each)."""
        return self.run.loads

    @property
    def complete(self) -> bool:
        """Every resource reached the end of its listing."""
        return not self.run.should_stop


def run_sync(
    settings: Settings,
    options: SyncOptions = SyncOptions(),
    *,
    resources: Sequence[str] = RESOURCE_NAMES,
    max_requests: int | None = None,
    time_budget_seconds: float | None = None,
    on_progress: ProgressListener | None = None,
    on_wait: WaitCallback | None = None,
    target: SyncTarget | None = None,
    pipeline_name: str = PIPELINE_NAME,
) -> SyncResult:
    """Sync the selected resources into the destination; raise `XentralError` with one clear line on failure.

    `target` is the destination already opened for several instances (`open_target`); without
    one, the run opens and locks its own.
    """
    started = time.monotonic()
    run = SyncRun(max_requests=max_requests, time_budget_seconds=time_budget_seconds,
                  rows_per_load=settings.rows_per_load, on_progress=on_progress, on_wait=on_wait)
    with ExitStack() as stack:
        if target is None:
            target = stack.enter_context(open_target(settings, [settings.dataset]))
        source = _source(settings, options, resources, run)
        client = run.client
        assert client is not None  # the source made it
        client.check_connection(RESOURCE_PATHS[resources[0]])  # a list the token must be able to read anyway
        pipeline = _pipeline(settings, target, pipeline_name)
        resumed = _dlt_step(target, "nothing was fetched yet", lambda: finish_interrupted_run(pipeline))
        if target.repairs_doubled_rows:
            drop_doubled_child_rows(pipeline)
        run.known = KnownRows() if options.full_refresh else KnownRows.read(pipeline.sql_client)
        pending = list(resources)
        while pending:
            run.start_load()
            _extract(pipeline, source.with_resources(*pending), target, drop=options.full_refresh and run.loads == 1)
            _dlt_step(target, "what was fetched is kept and loads first on the next run",
                      lambda: _normalize_and_load(pipeline))
            target.after_load()
            pending = [] if run.should_stop else run.paused_resources()
        vanished = flag_vanished(pipeline, run.complete_listings, run.started_at)
        result = SyncResult(
            table_rows=count_rows(pipeline),
            requests=client.requests_made,
            retries=client.retries,
            rate_limit_waits=client.limiter.waits,
            rate_limit_waited_seconds=client.limiter.waited_seconds,
            seconds=time.monotonic() - started,
            run=run,
            resumed_interrupted_run=resumed,
            vanished=vanished,
            loaded_into=f"{target.where}, dataset {settings.dataset}",
        )
    if run.failure is not None:
        raise SyncFailedError(f"{run.failure} (rows fetched before it were loaded; the next run continues from there)")
    return result


@contextmanager
def open_target(settings: Settings, datasets: Sequence[str]) -> Iterator[SyncTarget]:
    """The destination `settings.destination` names, locked for this command and checked before anything is fetched."""
    target: SyncTarget = PostgresTarget(settings) if settings.destination == "postgres" else DuckDBTarget(settings)
    with target, _exclusive(target):
        target.check(datasets)
        yield target


def _source(settings: Settings, options: SyncOptions, resources: Sequence[str], run: SyncRun) -> DltSource:
    host, token = settings.require_instance()
    return xentral_source(
        instance_host=host,
        api_token=token,
        resources=resources,
        since=options.since,
        until=options.until,
        rate_limit=settings.rate_limit,
        rate_window_seconds=settings.rate_window_seconds,
        rate_headroom=settings.rate_headroom,
        request_timeout=settings.request_timeout,
        max_attempts=settings.max_attempts,
        retry_backoff_seconds=settings.retry_backoff_seconds,
        cursor_lag_seconds=settings.cursor_lag_seconds,
        customer_refresh_days=settings.customer_refresh_days,
        product_full_listing_days=settings.product_full_listing_days,
        order_full_listing_days=settings.order_full_listing_days,
        customer_full_listing_days=settings.customer_full_listing_days,
        api=settings.api,
        run=run,
    )


@contextmanager
def _exclusive(target: SyncTarget) -> Iterator[None]:
    """A lock beside the DuckDB file (or dlt's working folder for PostgreSQL): a second sync exits at once.

    The operating system drops the lock with the process, so a killed run leaves none behind.
    """
    _writable(target)
    lock = FileLock(str(target.lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise SyncLockedError(
            f"another sync is already running on {target.where} (lock {target.lock_path}); "
            "this one exits without touching it"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _writable(target: SyncTarget) -> None:
    """The lock's folder takes the lock and dlt's working folder (and the DuckDB file): say so at once if it cannot."""
    try:
        target.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(target.lock_path, "a"):
            pass
    except OSError as error:
        raise ConfigError(
            f"cannot write {target.local_files} ({error.strerror or error}): {target.local_files_fix}; "
            "nothing was fetched"
        ) from None


def _pipeline(settings: Settings, target: SyncTarget, name: str = PIPELINE_NAME) -> dlt.Pipeline:
    # A nightly job: keep only the small record of each loaded package, not its data files.
    dlt.config["load.delete_completed_jobs"] = True
    dlt.config["data_writer.buffer_max_items"] = WRITE_BUFFER_ROWS
    # Pages go through extract as Arrow tables (`arrow_rows.py`); they get dlt's row columns
    # as dict rows do, so a table is the same whichever path its rows took.
    dlt.config["normalize.parquet_normalizer.add_dlt_load_id"] = True
    dlt.config["normalize.parquet_normalizer.add_dlt_id"] = True
    pipeline = dlt.pipeline(
        pipeline_name=name,
        destination=target.dlt_destination(),
        dataset_name=settings.dataset,
        pipelines_dir=str(target.working_folder),
    )
    # dlt defers Ctrl-C and SIGTERM during normalize and load until its next check, and forgets a
    # signal that came after the last one: the run then went on. Stopping at once is safe (a kill
    # at any commit point is), and the CLI turns both signals into KeyboardInterrupt.
    pipeline.runtime_config.intercept_signals = False
    return pipeline


def _extract(pipeline: dlt.Pipeline, source: DltSource, target: SyncTarget, *, drop: bool) -> None:
    try:
        pipeline.extract(source, refresh="drop_resources" if drop else None,
                         loader_file_format=target.loader_file_format)
    except PipelineStepFailed as failure:
        _reraise_interrupt(failure)
        raise _xentral_cause(failure) or failure from None


def _normalize_and_load(pipeline: dlt.Pipeline) -> None:
    pipeline.normalize()
    pipeline.load(workers=1)  # one job at a time: DuckDB writes one file anyway, and each job thread costs memory


def _dlt_step(target: SyncTarget, consequence: str, step: Callable[[], T]) -> T:
    """Run a dlt step that writes the destination; its failure becomes one line saying what it means."""
    try:
        return step()
    except PipelineStepFailed as failure:
        _reraise_interrupt(failure)
        *_, root = _causes(failure)
        raise DestinationError(f"{target.problem(root, at_step=failure.step)}; {consequence}") from None


def _reraise_interrupt(failure: PipelineStepFailed) -> None:
    """dlt wraps Ctrl-C (and SIGTERM, which the CLI turns into it) like any failure: unwrap it."""
    if any(isinstance(cause, KeyboardInterrupt) for cause in _causes(failure)):
        raise KeyboardInterrupt from None


def _xentral_cause(error: BaseException) -> XentralError | None:
    """The Xentral error behind dlt's wrapping, if there is one."""
    return next((cause for cause in _causes(error) if isinstance(cause, XentralError)), None)


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then what caused it, down to the root."""
    current: BaseException | None = error
    while current is not None:
        yield current
        current = current.__cause__ or current.__context__


def count_rows(pipeline: dlt.Pipeline) -> dict[str, int]:
    """Rows per table in the destination now (0 for a table never loaded)."""
    counts: dict[str, int] = {}
    with pipeline.sql_client() as client:
        for table in TABLES:
            try:
                rows = client.execute_sql(f"SELECT count(*) FROM {client.make_qualified_table_name(table)}")
                counts[table] = int(rows[0][0]) if rows else 0
            except DatabaseUndefinedRelation:
                counts[table] = 0
    return counts
