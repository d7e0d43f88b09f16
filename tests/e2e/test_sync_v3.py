"""Sales orders through v3 over real HTTP against the emulator: the same marts as through v1, the
same guarantees (resumable, nothing doubled or lost under faults, vanished orders flagged)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipelines.analytics.build import build_and_test_models
from pipelines.analytics.models import DEFAULT_MODELS_DIR
from pipelines.cli import main
from pipelines.emulator import RunningEmulator
from pipelines.sync.runner import SyncResult
from pipelines.sync.summary import format_sync_summary
from tests.e2e.helpers import FAST, assert_matches_truth, query, sync, sync_settings

pytestmark = pytest.mark.e2e

MARTS = sorted(path.stem for path in (DEFAULT_MODELS_DIR / "marts").glob("*.sql"))
V3_LIST = "GET::api-v3-salesorders"


def _without_unknown_status(emulator: RunningEmulator) -> None:
    """v1's status `unknown` has no v3 counterpart (v3 shows another status, `v3_unknown_status`):
    the worlds compared across the two paths hold none."""
    for order_id in emulator.world.order_ids():
        if emulator.world.order_view(order_id)["status"] == "unknown":
            emulator.world.update_order(order_id, status="completed")


def _marts(emulator: RunningEmulator, db: Path) -> dict[str, list[tuple[Any, ...]]]:
    settings = sync_settings(emulator, db)
    build_and_test_models(settings)
    return {mart: query(db, f"SELECT * FROM {settings.models_schema}.{mart} ORDER BY ALL") for mart in MARTS}


def _sync_v3(emulator: RunningEmulator, db: Path, **kwargs: Any) -> SyncResult:
    result = sync(emulator, db, api="v3", **kwargs)
    assert result.run.apis["sales_orders"].version == "v3"
    return result


def test_one_world_through_v1_and_through_v3_builds_the_same_marts_night_after_night(
    emulator_factory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = emulator_factory(orders=150, products=30, customers=25, v3_amounts="mixed", **FAST)
    _without_unknown_status(emulator)
    through_v1, through_v3 = tmp_path / "v1.duckdb", tmp_path / "v3.duckdb"

    for night in range(2):
        listing_days = 0 if night else 7  # the second night lists every id: the deleted order is flagged
        views_before = emulator.stats.snapshot()["operations"].get("salesOrder.view", 0)
        v3 = _sync_v3(emulator, through_v3, order_full_listing_days=listing_days)
        assert emulator.stats.snapshot()["operations"].get("salesOrder.view", 0) == views_before  # no view per order
        v1 = sync(emulator, through_v1, api="v1", order_full_listing_days=listing_days)
        assert v1.run.apis["sales_orders"].version == "v1"
        assert "sales_orders v3" in format_sync_summary(v3) and "sales_orders v1" in format_sync_summary(v1)
        assert_matches_truth(emulator, through_v3, api="v3")
        v1_marts, v3_marts = _marts(emulator, through_v1), _marts(emulator, through_v3)
        assert all(v1_marts[mart] for mart in ("fct_orders", "fct_order_positions")), f"night {night}: empty marts"
        for mart in MARTS:
            assert v3_marts[mart] == v1_marts[mart], f"night {night}: {mart} differs between v1 and v3"

        world, orders = emulator.world, emulator.world.order_ids()
        world.cancel_order(orders[0])
        world.update_order(orders[1], status="released")
        world.create_order()
        world.delete_order(orders[2])
    capsys.readouterr()


def test_api_v3_on_an_instance_without_it_is_one_line_and_exit_2(
    emulator_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = emulator_factory(orders=10, products=5, customers=5, v3_sales_orders="absent", **FAST)
    monkeypatch.setenv("XENTRAL_INSTANCE_HOST", emulator.base_url)
    monkeypatch.setenv("XENTRAL_API_TOKEN", emulator.token)
    monkeypatch.chdir(tmp_path)

    assert main(["sync", "--duckdb", str(tmp_path / "x.duckdb"), "--api", "v3", "--no-models"]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "api = v3" in line]
    assert len(errors) == 1 and "--api auto" in errors[0]
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("v3_sales_orders", ["absent", "forbidden"])
def test_auto_reads_v1_where_the_instance_has_no_v3(emulator_factory, tmp_path: Path, v3_sales_orders: str) -> None:
    emulator = emulator_factory(orders=30, products=5, customers=5, v3_sales_orders=v3_sales_orders, **FAST)
    result = sync(emulator, tmp_path / "x.duckdb", api="auto")

    assert result.complete
    assert result.run.apis["sales_orders"].version == "v1"
    assert "sales_orders v1" in format_sync_summary(result)
    assert_matches_truth(emulator, tmp_path / "x.duckdb")


def test_a_v3_sync_stopped_every_few_requests_ends_equal_to_the_truth(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=1300, products=20, customers=10, v3_fail_above=500, **FAST)
    db = tmp_path / "x.duckdb"

    runs = 0
    while not _sync_v3(emulator, db, max_requests=15).complete:
        runs += 1
        assert runs < 30, "the budgeted runs make no progress"
    assert runs > 1
    assert_matches_truth(emulator, db, api="v3")


def test_nothing_doubled_or_lost_under_5xx_429_and_pages_too_large(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=700, products=20, customers=15, v3_fail_above=200, error_rate=0.1,
                                foreign_429_rate=0.1, **FAST)
    db = tmp_path / "x.duckdb"

    assert _sync_v3(emulator, db, max_attempts=8).complete
    assert_matches_truth(emulator, db, api="v3")
    [(doubled,)] = query(db, "SELECT count(*) - count(DISTINCT (sales_order_id, id)) FROM xentral.sales_order_positions")
    assert doubled == 0

    world = emulator.world
    for order_id in world.order_ids()[:50]:
        world.update_order(order_id, status="completed")
    assert _sync_v3(emulator, db, max_attempts=8).complete
    assert_matches_truth(emulator, db, api="v3")


def test_orders_that_vanished_are_flagged_by_the_listing_of_every_id(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=40, products=5, customers=5, **FAST)
    db = tmp_path / "x.duckdb"
    _sync_v3(emulator, db)
    gone = emulator.world.order_ids()[3]
    emulator.world.delete_order(gone)

    assert _sync_v3(emulator, db).vanished.get("sales_orders", 0) == 0  # the listing is not due yet
    lists_before = emulator.stats.snapshot()["operations"][V3_LIST]
    result = _sync_v3(emulator, db, order_full_listing_days=0)

    assert result.vanished["sales_orders"] == 1
    assert query(db, "SELECT id FROM xentral.sales_orders WHERE vanished_at IS NOT NULL") == [(gone,)]
    assert emulator.stats.snapshot()["operations"][V3_LIST] - lists_before == 3  # the probe, the changes, every id
    assert_matches_truth(emulator, db, api="v3")


def test_with_v3_customers_a_night_reads_only_the_changed_customers(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=20, products=5, customers=60, v3_customers="on", **FAST)
    db = tmp_path / "x.duckdb"
    first = _sync_v3(emulator, db)
    assert first.run.apis["customers"].version == "v3"
    assert_matches_truth(emulator, db, api="v3")

    changed = emulator.world.customer_ids()[5]
    emulator.world.update_customer(changed, name="Neuer Name GmbH")
    views_before = emulator.stats.snapshot()["operations"]["customer.view.v2"]
    _sync_v3(emulator, db)

    assert emulator.stats.snapshot()["operations"]["customer.view.v2"] - views_before == 1
    assert_matches_truth(emulator, db, api="v3")

    gone = emulator.world.customer_ids()[7]
    emulator.world.delete_customer(gone)
    assert _sync_v3(emulator, db, customer_full_listing_days=0).vanished["customers"] == 1
    assert query(db, "SELECT id FROM xentral.customers WHERE vanished_at IS NOT NULL") == [(gone,)]
