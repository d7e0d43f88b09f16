"""A sync killed at any moment of its load: the next run ends with every row exactly once.

A forked child runs the sync and dies as under `kill -9` (`os._exit`, no cleanup) right after the
N-th write that DuckDB committed: a statement run outside a transaction, or a commit. That is every
commit point a run reaches, from creating the tables through the copy of each table's rows into
staging, each merge and the pipeline state, to the record of the finished load. (A kill inside a
transaction rolls back to the point before it.) A normal run then finishes, and DuckDB must equal
the emulator's truth row for row, each position and address once per parent.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dlt.destinations.impl.duckdb.sql_client import DuckDbSqlClient

from pipelines.emulator import RunningEmulator
from pipelines.sync import runner as sync_module
from tests.e2e.helpers import FAST, assert_matches_truth, query, sync

pytestmark = pytest.mark.e2e

KILLED = 137
WORLD = {"orders": 6, "products": 4, "customers": 3, **FAST}


class CommitPoints:
    """Counts DuckDB's commits as dlt's SQL client makes them; exits the process at the chosen one."""

    def __init__(self, kill_at: int | None) -> None:
        self.passed = 0
        self._kill_at = kill_at
        self._in_transaction = False

    def install(self) -> None:
        execute, begin, commit = (
            DuckDbSqlClient.execute_sql, DuckDbSqlClient.begin_transaction, DuckDbSqlClient.commit_transaction
        )
        points = self

        def execute_sql(client: Any, sql: Any, *args: Any, **kwargs: Any) -> Any:
            result = execute(client, sql, *args, **kwargs)
            if not points._in_transaction and not str(sql).lstrip().upper().startswith("SELECT"):
                points._passed_one()
            return result

        @contextmanager
        def begin_transaction(client: Any) -> Iterator[Any]:
            points._in_transaction = True
            try:
                with begin(client) as transaction:
                    yield transaction
            finally:
                points._in_transaction = False

        def commit_transaction(client: Any) -> None:
            commit(client)
            points._passed_one()

        DuckDbSqlClient.execute_sql = execute_sql  # type: ignore[method-assign]
        DuckDbSqlClient.begin_transaction = begin_transaction  # type: ignore[method-assign]
        DuckDbSqlClient.commit_transaction = commit_transaction  # type: ignore[method-assign]

    def _passed_one(self) -> None:
        self.passed += 1
        if self.passed == self._kill_at:
            os._exit(KILLED)


def sync_in_child(emulator: RunningEmulator, db: Path, kill_at: int | None, **settings: Any) -> tuple[int, int]:
    """Run a sync (with `settings`) in a child process killed right after its `kill_at`-th commit point.

    Returns the child's exit code and, for a child that finished, how many commit points it passed.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        code = 0
        points = CommitPoints(kill_at)
        points.install()
        try:
            sync(emulator, db, **settings)
        except BaseException:
            code = 1
        os.write(write_end, str(points.passed).encode())
        os._exit(code)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read_end) as passed:
        count = int(passed.read() or 0)
    return os.waitstatus_to_exitcode(status), count


def _change_the_world(emulator: RunningEmulator) -> None:
    world = emulator.world
    orders = world.order_ids()
    world.update_order(orders[0], comment="changed")
    world.cancel_order(orders[1])
    world.create_order()
    world.update_customer(world.customer_ids()[0], name="Neu GmbH")


@pytest.mark.parametrize("night", ["first", "second"])
def test_a_kill_at_every_commit_point_of_a_run_leaves_nothing_doubled_or_missing(
    emulator_factory, tmp_path: Path, night: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first night creates every table; the second changes, cancels and adds rows, so its
    merges delete and replace positions and addresses of existing parents. The repair of files
    damaged by earlier versions is off: the tables' keys alone must keep every row once."""
    monkeypatch.setattr(sync_module, "drop_doubled_child_rows", lambda pipeline: {})
    emulator = emulator_factory(**WORLD)
    before = tmp_path / "before"
    before.mkdir()
    if night == "second":
        sync(emulator, before / "x.duckdb")
        _change_the_world(emulator)
    shutil.copytree(before, tmp_path / "count")
    code, points = sync_in_child(emulator, tmp_path / "count" / "x.duckdb", kill_at=None)
    assert code == 0 and points >= 10

    for kill_at in range(1, points + 1):
        killed = tmp_path / f"killed-{kill_at}"
        shutil.copytree(before, killed)
        code, _ = sync_in_child(emulator, killed / "x.duckdb", kill_at)
        assert code == KILLED, f"the child was not killed at commit point {kill_at}"
        sync(emulator, killed / "x.duckdb")
        assert_matches_truth(emulator, killed / "x.duckdb")


def test_rows_doubled_by_an_earlier_version_are_repaired_by_the_next_run(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(**WORLD)
    db = tmp_path / "x.duckdb"
    sync(emulator, db)
    with duckdb.connect(str(db)) as connection:  # what 0.1 left after a kill during its load
        for table in ("sales_order_positions", "customer_addresses"):
            connection.execute(f"INSERT INTO xentral.{table} SELECT * FROM xentral.{table}")
    assert query(db, "SELECT count(*) - count(DISTINCT _dlt_id) FROM xentral.sales_order_positions")[0][0] > 0

    sync(emulator, db)
    assert_matches_truth(emulator, db)


def test_a_v3_sync_killed_at_a_few_commit_points_of_its_second_night_leaves_nothing_doubled_or_missing(
    emulator_factory, tmp_path: Path
) -> None:
    """v3 writes through the same load as v1: a few points (the first, the middle, the last) suffice."""
    emulator = emulator_factory(**WORLD)
    before = tmp_path / "before"
    before.mkdir()
    sync(emulator, before / "x.duckdb", api="v3")
    _change_the_world(emulator)
    shutil.copytree(before, tmp_path / "count")
    code, points = sync_in_child(emulator, tmp_path / "count" / "x.duckdb", kill_at=None, api="v3")
    assert code == 0 and points >= 10

    for kill_at in sorted({1, points // 2, points}):
        killed = tmp_path / f"killed-{kill_at}"
        shutil.copytree(before, killed)
        code, _ = sync_in_child(emulator, killed / "x.duckdb", kill_at, api="v3")
        assert code == KILLED, f"the child was not killed at commit point {kill_at}"
        sync(emulator, killed / "x.duckdb", api="v3")
        assert_matches_truth(emulator, killed / "x.duckdb", api="v3")
