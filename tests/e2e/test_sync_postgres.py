"""The sync into PostgreSQL: the emulator's truth night after night, the same values as DuckDB holds,
readers never locked out, and the server checked before anything is fetched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from pipelines.analytics.build import build_and_test_models
from pipelines.cli import main
from pipelines.emulator import RunningEmulator
from pipelines.postgres import ENV
from pipelines.sync.destination import SyncLockedError
from pipelines.sync.postgres_target import LOCK_NAMESPACE
from pipelines.sync.runner import SyncOptions, run_sync
from tests.e2e.helpers import FAST, SYNC_TABLES, Where, assert_matches_truth, query, sync, sync_settings
from tests.models.test_postgres_errors import EXPECTED, bad_uri
from tests.postgres import ANALYST_PASSWORD

pytestmark = pytest.mark.e2e

WORLD = {"orders": 60, "products": 12, "customers": 10, **FAST}


def change_the_world(emulator: RunningEmulator) -> None:
    """Changes that add no column: an order changed, one canceled, one new, a customer renamed, a product
    and a customer gone."""
    world = emulator.world
    orders = world.order_ids()
    world.update_order(orders[0], status="released")
    world.cancel_order(orders[1])
    world.create_order()
    world.update_customer(world.customer_ids()[0], name="Neu GmbH")
    world.delete_product(world.product_ids()[0])
    world.delete_customer(world.customer_ids()[1])


def raw_rows(where: Where, table: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    """A raw table by its primary key (`id`, and the parent's id in a child table), without dlt's own
    columns and the times of the run (details read, vanished: only whether); JSON read as JSON (DuckDB
    gives it as text, psycopg2 parsed)."""
    columns = [name for (name,) in query(where, "SELECT column_name FROM information_schema.columns WHERE "
                                                f"table_schema = 'xentral' AND table_name = '{table}'")
               if not name.startswith("_dlt") and name != "details_synced_at"]
    key = [name for name in columns if name in ("sales_order_id", "customer_id")] + ["id"]
    rows = {}
    for values in query(where, "SELECT " + ", ".join(f'"{name}"' for name in columns) + f" FROM xentral.{table}"):
        row = {name: _json(value) for name, value in zip(columns, values)}
        if "vanished_at" in row:
            row["vanished_at"] = row["vanished_at"] is not None
        rows[tuple(row[name] for name in key)] = row
    return rows


def _json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("[", "{"):
        return json.loads(value)
    return value


def test_a_sync_into_postgresql_holds_the_truth_and_the_values_duckdb_holds_night_after_night(
    emulator_factory, postgres_destination: str, tmp_path: Path
) -> None:
    emulator = emulator_factory(**WORLD)
    db = tmp_path / "x.duckdb"
    for night in (1, 2):
        if night == 2:
            change_the_world(emulator)
        result = sync(emulator, postgres_destination, product_full_listing_days=0)
        sync(emulator, db, product_full_listing_days=0)
        assert result.complete
        assert_matches_truth(emulator, postgres_destination)
        for table in SYNC_TABLES:  # empty strings stay empty strings, decimals and time zones alike
            in_postgres, in_duckdb = raw_rows(postgres_destination, table), raw_rows(db, table)
            assert {key: row.keys() for key, row in in_postgres.items()} == {
                key: row.keys() for key, row in in_duckdb.items()}, f"night {night}: {table}"
            assert in_postgres == in_duckdb, f"night {night}: {table}"
    assert result.vanished == {"products": 1, "customers": 1}


def test_a_dropped_dataset_is_synced_again_from_the_start(emulator_factory, postgres_destination: str) -> None:
    """dlt keeps its state in the dataset too: with the dataset gone, it forgets the local one."""
    emulator = emulator_factory(orders=20, products=5, customers=5, **FAST)
    sync(emulator, postgres_destination)
    with closing(psycopg2.connect(postgres_destination)) as connection, connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA xentral CASCADE")
        connection.commit()

    again = sync(emulator, postgres_destination)
    assert again.table_rows["sales_orders"] == 20
    assert_matches_truth(emulator, postgres_destination)


@contextmanager
def reading(uri: str) -> Iterator[Any]:
    """A reader's connection in REPEATABLE READ: every query of one transaction reads the same snapshot."""
    with closing(psycopg2.connect(uri)) as connection:
        connection.set_session(isolation_level="REPEATABLE READ")
        yield connection


def seen(reader: Any) -> tuple[Any, ...]:
    with reader.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(total__amount), max(updated_at) FROM xentral.sales_orders "
                       "WHERE vanished_at IS NULL")
        orders = cursor.fetchone()
        cursor.execute("SELECT count(*), sum(quantity) FROM xentral.sales_order_positions")
        positions = cursor.fetchone()
        cursor.execute("SELECT count(*), sum(net_amount) FROM analytics.fct_orders")
        marts = cursor.fetchone()
    return orders, positions, marts


NEW_ORDERS = 55


def test_readers_keep_reading_while_a_sync_loads_and_the_models_rebuild(
    emulator_factory, postgres_destination: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader holds a transaction open over the raw tables and the marts for the whole sync and
    rebuild; another reads the marts afresh each time the sync reports progress, between its loads.
    Anything that waited for either would give up after the lock timeout and fail the run."""
    emulator = emulator_factory(**WORLD)
    settings = sync_settings(emulator, postgres_destination, product_full_listing_days=0)
    run_sync(settings, SyncOptions())
    build_and_test_models(settings)
    change_the_world(emulator)
    for _ in range(NEW_ORDERS - 1):  # more than a page: the sync loads in several steps
        emulator.world.create_order()
    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=20s")

    with reading(postgres_destination) as reader, closing(psycopg2.connect(postgres_destination)) as during:
        during.autocommit = True
        before = seen(reader)
        read_during: list[tuple[Any, ...]] = []
        result = run_sync(replace(settings, rows_per_load=2), SyncOptions(),
                          on_progress=lambda *_: read_during.append(seen(during)))
        build_and_test_models(settings)
        assert result.complete and result.loads > 1
        assert seen(reader) == before  # its snapshot: one consistent state, read while the sync wrote
        reader.commit()
        after = seen(reader)
    assert read_during and {marts for *_, marts in read_during} == {before[2]}  # the marts as built, all along
    assert after[0][0] == before[0][0] + NEW_ORDERS and after[2][0] == before[2][0] + NEW_ORDERS  # raw and marts
    assert_matches_truth(emulator, postgres_destination)


def test_a_second_sync_of_the_same_dataset_exits_at_once_from_any_machine(
    emulator_factory, postgres_destination: str
) -> None:
    """The lock is the database's: a sync from another folder or machine holds it as well as one from here."""
    emulator = emulator_factory(orders=5, products=5, customers=5, **FAST)
    with closing(psycopg2.connect(postgres_destination)) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s), hashtext(%s))", (LOCK_NAMESPACE, "xentral"))
        with pytest.raises(SyncLockedError, match=r"another sync is loading dataset xentral in PostgreSQL "
                                                  r"postgresql://analyst:\*\*\*@"):
            sync(emulator, postgres_destination)
    assert emulator.stats.total() == 0
    assert sync(emulator, postgres_destination, dataset="other").complete  # another dataset is not locked


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_an_unusable_postgresql_stops_the_sync_before_anything_is_fetched(
    kind: str, emulator_factory, postgres_destination: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emulator = emulator_factory(orders=5, products=5, customers=5, **FAST)
    monkeypatch.setenv(ENV, bad_uri(kind, postgres_destination))
    monkeypatch.setenv("XENTRAL_INSTANCE_HOST", emulator.base_url)
    monkeypatch.setenv("XENTRAL_API_TOKEN", emulator.token)

    code = main(["sync", "--destination", "postgres"])

    captured = capsys.readouterr()
    assert (code, captured.out, captured.err.count("\n")) == (2, "", 1)
    assert captured.err.startswith("error: ") and EXPECTED[kind] in captured.err
    assert ANALYST_PASSWORD not in captured.err and "not-the-password" not in captured.err
    assert emulator.stats.total() == 0


def test_the_sync_command_loads_postgresql_and_builds_the_models_there(
    emulator_factory, postgres_destination: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`xentral-sync sync --destination postgres`: no DuckDB file, dlt's folder named after the database,
    and the password nowhere in what the run wrote or printed."""
    emulator = emulator_factory(orders=20, products=5, customers=5, **FAST)
    monkeypatch.setenv("XENTRAL_INSTANCE_HOST", emulator.base_url)
    monkeypatch.setenv("XENTRAL_API_TOKEN", emulator.token)

    code = main(["-v", "sync", "--destination", "postgres", "--rate-limit", "1000", "--rate-window", "1"])

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Sync complete" in captured.out and "Data tests: all passed" in captured.out
    assert f"Loaded into PostgreSQL postgresql://analyst:***@{postgres_destination.split('@')[1]}, dataset xentral." \
        in captured.out
    assert query(postgres_destination, "SELECT count(*) FROM analytics.fct_orders") == [(20,)]
    database = postgres_destination.rsplit("/", 1)[1]
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert not list(tmp_path.glob("*.duckdb"))
    assert (tmp_path / ".xentral-sync" / f"postgres-{database}" / "xentral_sync").is_dir()
    for path in written:
        assert ANALYST_PASSWORD.encode() not in path.read_bytes(), path
    assert ANALYST_PASSWORD not in captured.out + captured.err
