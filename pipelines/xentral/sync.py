"""One nightly sync: lock, finish what a killed run left, extract and load in steps, flag vanished rows."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

import dlt
import duckdb
import pyarrow as pa
from dlt.common.destination import TLoaderFileFormat
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.extract import DltSource
from dlt.pipeline.exceptions import PipelineStepFailed
from filelock import FileLock, Timeout

from pipelines.api.client import XentralClient
from pipelines.api.errors import XentralError
from pipelines.xentral import xentral_source
from pipelines.xentral.config import SyncConfig
from pipelines.xentral.connect import client_for
from pipelines.xentral.control import ProgressListener, SyncRun
from pipelines.xentral.destination import DuckDbDestination
from pipelines.xentral.extract import Cadence, SyncOptions
from pipelines.xentral.listed_ids import ListedIds
from pipelines.xentral.loaded import LoadedRows
from pipelines.xentral.recovery import finish_interrupted_run, forget_state_without_data
from pipelines.xentral.repair import drop_doubled_child_rows
from pipelines.xentral.settings import (
    ADDRESSES_TABLE,
    CUSTOMERS_PATH,
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    PIPELINE_NAME,
    POSITIONS_TABLE,
    PRODUCTS_PATH,
    RESOURCE_NAMES,
    SALES_ORDERS_PATH,
)

T = TypeVar("T")

TABLES = ("sales_orders", POSITIONS_TABLE, "products", "customers", ADDRESSES_TABLE)
LOADER_FILE_FORMAT: TLoaderFileFormat = "parquet"
"""DuckDB copies Parquet in bulk, while dlt's default, SQL `INSERT ... VALUES`, costs DuckDB
about 2 ms a row and was most of a sync's local time and memory (bench/RESULTS.md)."""
WRITE_BUFFER_ROWS = 500
RESOURCE_PATHS = {"sales_orders": SALES_ORDERS_PATH, "products": PRODUCTS_PATH, "customers": CUSTOMERS_PATH}


class SyncLockedError(XentralError):
    """Another sync holds the DuckDB file."""


class SyncFailedError(XentralError):
    """The run loaded what it fetched, then stopped on a failure; the next run continues."""


class DestinationError(XentralError):
    """DuckDB could not be written: busy, full, or broken."""


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

    @property
    def loads(self) -> int:
        """Steps of extract, normalize and load the run took (about `rows_per_load` rows each)."""
        return self.run.loads

    @property
    def complete(self) -> bool:
        """Every resource reached the end of its listing."""
        return self.run.stop_reason is None and self.run.failure is None


def run_sync(
    config: SyncConfig,
    options: SyncOptions,
    *,
    resources: Sequence[str] = RESOURCE_NAMES,
    max_requests: int | None = None,
    time_budget_seconds: float | None = None,
    on_progress: ProgressListener | None = None,
    on_wait: Callable[[float, str], None] | None = None,
) -> SyncResult:
    """Sync the selected resources into DuckDB; raise `XentralError` with one clear line on failure."""
    started = time.monotonic()
    config.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        stack.enter_context(_exclusive(config))
        client = client_for(config, max_requests=max_requests, on_wait=on_wait)
        limiter = client.limiter
        client.check_connection(_connection_check_path(resources))
        forget_state_without_data(config.duckdb_path, config.pipelines_dir)
        database = stack.enter_context(_database_kept_open(config))
        pipeline = _pipeline(config, database)
        resumed = _dlt_step("nothing was fetched yet", lambda: finish_interrupted_run(pipeline))
        drop_doubled_child_rows(pipeline)
        run = SyncRun(
            time_budget_seconds=time_budget_seconds,
            on_progress=on_progress,
            requests_made=lambda: client.requests_made,
            rows_per_load=config.rows_per_load,
        )
        _extract_and_load_in_steps(pipeline, database, client, run, options, config.cadence, resources)
        vanished = flag_vanished(pipeline, run.complete_listings, run.started_at)
        result = SyncResult(
            table_rows=count_rows(pipeline),
            requests=client.requests_made,
            retries=client.retries,
            rate_limit_waits=limiter.waits,
            rate_limit_waited_seconds=limiter.waited_seconds,
            seconds=time.monotonic() - started,
            run=run,
            resumed_interrupted_run=resumed,
            vanished=vanished,
        )
    if run.failure is not None:
        raise SyncFailedError(
            f"{run.failure} (rows fetched before it were loaded; the next run continues from there)"
        )
    return result


@contextmanager
def _exclusive(config: SyncConfig) -> Iterator[None]:
    """A lock beside the DuckDB file: a second sync on the same file exits at once.

    The operating system drops the lock with the process, so a killed run leaves none behind.
    """
    lock = FileLock(str(config.lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise SyncLockedError(
            f"another sync is already running on {config.duckdb_path} (lock {config.lock_path}); "
            "this one exits without touching it"
        ) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _database_kept_open(config: SyncConfig) -> Iterator[duckdb.DuckDBPyConnection]:
    """Hold the DuckDB file open for the whole run, attached under a catalog name of our own.

    dlt opens and closes DuckDB for every load job, lookup and count, ten times a step; it borrows
    this connection instead. DuckDB names a file's catalog after the file, so in `xentral.duckdb`
    the dataset `xentral` would be ambiguous (`xentral.sales_orders`: catalog or schema?); attached
    as `file_catalog(config)`, any file name goes with any dataset name.
    """
    catalog = file_catalog(config)
    try:
        connection = duckdb.connect(":memory:", config=_duckdb_settings(config))
        connection.execute(f"ATTACH {_literal(str(config.duckdb_path))} AS {_identifier(catalog)}")
        connection.execute(f"USE {_identifier(catalog)}")
    except duckdb.Error as error:
        raise DestinationError(f"{_duckdb_problem(error)}; nothing was fetched yet") from None
    try:
        yield connection
    finally:
        connection.close()


def file_catalog(config: SyncConfig) -> str:
    """The catalog name the sync gives the DuckDB file: never the dataset's name."""
    return f"{config.dataset}_file"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _checkpoint(database: duckdb.DuckDBPyConnection) -> None:
    """Write the step's rows into the file's tables now.

    Rows not yet checkpointed stay in DuckDB's memory, which the memory limit cannot spill: at
    DuckDB's own threshold (16 MB of log) that was about 50 MB, and a 32MB limit ran out.
    """
    try:
        database.execute("CHECKPOINT")  # the attached file: it is the connection's default catalog
    except duckdb.Error as error:
        raise DestinationError(
            f"{_duckdb_problem(error, at_step='checkpoint')}; the loaded rows are kept in DuckDB's log"
        ) from None


def _connection_check_path(resources: Sequence[str]) -> str:
    """A list the token must be able to read anyway: the first resource asked for."""
    return RESOURCE_PATHS[resources[0]]


def _pipeline(config: SyncConfig, database: duckdb.DuckDBPyConnection) -> dlt.Pipeline:
    # A nightly job: keep only the small record of each loaded package, not its data files.
    dlt.config["load.delete_completed_jobs"] = True
    # Rows held in memory per table before dlt writes them out: dlt's default of 5000 whole
    # orders cost about 120 MB of peak memory (bench/RESULTS.md); the files stay as large.
    dlt.config["data_writer.buffer_max_items"] = WRITE_BUFFER_ROWS
    # One load job at a time: DuckDB writes one file anyway, and every extra job thread kept
    # its own malloc arena, so a long sync's memory crept up load by load (bench/RESULTS.md).
    dlt.config["load.workers"] = 1
    # Pages go through extract as Arrow tables (`arrow_rows.py`); they get dlt's row columns
    # as dict rows do, so a table is the same whichever path its rows took.
    dlt.config["normalize.parquet_normalizer.add_dlt_load_id"] = True
    dlt.config["normalize.parquet_normalizer.add_dlt_id"] = True
    # Resources yield None after a page that did not fill an item: dlt then turns to the next
    # resource, and sleeps this long once all of them did so in a row (its default, 10 ms a
    # page, would cost more than the page). Nothing here waits on dlt's futures.
    dlt.config["extract.futures_poll_interval"] = 0.0
    # dlt defers Ctrl-C and SIGTERM during normalize and load until its next check, and forgets a
    # signal that came after the last one: the run then went on. Stopping at once is safe (a kill
    # at any commit point is), and the CLI turns both signals into KeyboardInterrupt.
    dlt.config["runtime.intercept_signals"] = False
    return dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        # dlt's connections are copies of `database`, which do not inherit its default catalog
        destination=DuckDbDestination(
            DuckDbCredentials(database, local_config={"schema": f"{_identifier(file_catalog(config))}.main"})
        ),
        dataset_name=config.dataset,
        pipelines_dir=str(config.pipelines_dir),
    )


def _duckdb_settings(config: SyncConfig) -> dict[str, Any]:
    """How DuckDB may use memory while it loads.

    Rows need no order inside a table, and keeping insertion order makes DuckDB hold more of
    a large merge in memory. ``duckdb_memory_limit`` caps DuckDB's buffers (it spills to a
    temporary folder beside the file), which would otherwise keep every block the run touched.
    """
    return {
        "preserve_insertion_order": False,
        "memory_limit": config.duckdb_memory_limit,
        "temp_directory": f"{config.duckdb_path}.tmp",  # where DuckDB spills for a file opened directly
    }


def _extract_and_load_in_steps(
    pipeline: dlt.Pipeline,
    database: duckdb.DuckDBPyConnection,
    client: XentralClient,
    run: SyncRun,
    options: SyncOptions,
    cadence: Cadence,
    resources: Sequence[str],
) -> None:
    """Extract until the step's share of rows, load it, continue the paused walks; repeat.

    Only the first step drops tables for a full refresh; later steps look up what the
    earlier ones loaded, like any incremental run.
    """
    pending = list(resources)
    while pending:
        run.start_load()
        first_step = run.loads == 1
        step_options = options if first_step else replace(options, full_refresh=False)
        with closing(LoadedRows(None if step_options.full_refresh else pipeline.sql_client)) as loaded:
            source = xentral_source(client, run, loaded, step_options, cadence, pending)
            _extract(pipeline, source, drop=first_step and options.full_refresh)
        _dlt_step("what was fetched is kept and loads first on the next run", lambda: _normalize_and_load(pipeline))
        _checkpoint(database)
        pending = [] if run.should_stop else run.paused_resources()


def _normalize_and_load(pipeline: dlt.Pipeline) -> None:
    pipeline.normalize()
    pipeline.load()


def _dlt_step(consequence: str, step: Callable[[], T]) -> T:
    """Run a dlt step that writes DuckDB; its failure becomes one line saying what it means."""
    try:
        return step()
    except PipelineStepFailed as failure:
        _reraise_interrupt(failure)
        raise DestinationError(f"{_destination_problem(failure)}; {consequence}") from None


def _reraise_interrupt(failure: PipelineStepFailed) -> None:
    """dlt wraps Ctrl-C (and SIGTERM, which the CLI turns into it) like any failure: unwrap it."""
    if any(isinstance(cause, KeyboardInterrupt) for cause in _causes(failure)):
        raise KeyboardInterrupt from None


def _destination_problem(failure: PipelineStepFailed) -> str:
    *_, root = _causes(failure)
    return _duckdb_problem(root, at_step=failure.step)


def _duckdb_problem(error: BaseException, at_step: str | None = None) -> str:
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
            f"set duckdb_memory_limit higher (default {DEFAULT_DUCKDB_MEMORY_LIMIT}), e.g. 256MB"
        )
    return f"writing to DuckDB failed at step {at_step}: {reason}" if at_step else f"opening DuckDB failed: {reason}"


def _extract(pipeline: dlt.Pipeline, source: DltSource, *, drop: bool) -> None:
    try:
        pipeline.extract(
            source,
            refresh="drop_resources" if drop else None,
            loader_file_format=LOADER_FILE_FORMAT,
        )
    except PipelineStepFailed as failure:
        _reraise_interrupt(failure)
        raise _xentral_cause(failure) or failure from None


def _xentral_cause(error: BaseException) -> XentralError | None:
    """The Xentral error behind dlt's wrapping, if there is one."""
    return next((cause for cause in _causes(error) if isinstance(cause, XentralError)), None)


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then what caused it, down to the root."""
    current: BaseException | None = error
    while current is not None:
        yield current
        current = current.__cause__ or current.__context__


def flag_vanished(pipeline: dlt.Pipeline, listings: dict[str, ListedIds], at: datetime) -> dict[str, int]:
    """Mark rows a complete listing no longer shows; unmark rows that show again."""
    flagged: dict[str, int] = {}
    if not listings:
        return flagged
    with pipeline.sql_client() as client:
        connection = client.native_connection
        for table, ids in listings.items():
            connection.register("listed_ids", pa.table({"id": ids.as_arrow()}))
            qualified = client.make_qualified_table_name(table)
            try:
                client.execute_sql(
                    f"UPDATE {qualified} SET vanished_at = NULL "
                    "WHERE vanished_at IS NOT NULL AND id IN (SELECT id FROM listed_ids)"
                )
                rows = client.execute_sql(
                    f"UPDATE {qualified} SET vanished_at = ? "
                    "WHERE vanished_at IS NULL AND id NOT IN (SELECT id FROM listed_ids) RETURNING id",
                    at,
                )
                flagged[table] = len(rows or [])
            except DatabaseUndefinedRelation:
                flagged[table] = 0
            finally:
                connection.unregister("listed_ids")
    return flagged


def count_rows(pipeline: dlt.Pipeline) -> dict[str, int]:
    """Rows per table in DuckDB now (0 for a table never loaded)."""
    counts: dict[str, int] = {}
    with pipeline.sql_client() as client:
        for table in TABLES:
            try:
                rows = client.execute_sql(f"SELECT count(*) FROM {client.make_qualified_table_name(table)}")
                counts[table] = int(rows[0][0]) if rows else 0
            except DatabaseUndefinedRelation:
                counts[table] = 0
    return counts
