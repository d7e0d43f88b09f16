"""Several instances in one command: two emulators, each into its own dataset at its own rate limit,
and the marts of both side by side with an `instance` column, in DuckDB and in PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.emulator import RunningEmulator
from tests.e2e.helpers import Where, query

pytestmark = pytest.mark.e2e


def write_instances(folder: Path, brand_a: RunningEmulator, brand_b: RunningEmulator) -> None:
    """brand_a's token from a variable it names, brand_b's in secrets.toml; each with its emulator's limit."""
    (folder / ".dlt").mkdir()
    (folder / ".dlt" / "config.toml").write_text(f"""
[sources.xentral.instances.brand_a]
instance_host = "{brand_a.base_url}"
api_token_env = "BRAND_A_TOKEN"
rate_limit = {brand_a.settings.rate_limit}
rate_window_seconds = {brand_a.settings.rate_window_seconds}

[sources.xentral.instances.brand_b]
instance_host = "{brand_b.base_url}"
rate_limit = {brand_b.settings.rate_limit}
rate_window_seconds = {brand_b.settings.rate_window_seconds}
""", encoding="utf-8")
    (folder / ".dlt" / "secrets.toml").write_text(
        f'[sources.xentral.instances.brand_b]\napi_token = "{brand_b.token}"\n', encoding="utf-8")


@pytest.mark.parametrize("destination", ["duckdb", "postgres"])
def test_one_command_syncs_every_instance_into_its_own_dataset_and_views_put_their_marts_side_by_side(
    destination: str, emulator_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest,
) -> None:
    brand_a = emulator_factory(orders=30, products=6, customers=5, seed=1, token="token-a",
                               rate_limit=1000, rate_window_seconds=1.0)
    brand_b = emulator_factory(orders=45, products=8, customers=7, seed=2, token="token-b",
                               rate_limit=200, rate_window_seconds=1.0)
    where: Where
    if destination == "postgres":
        where = request.getfixturevalue("postgres_destination")  # runs in tmp_path
        into = ["--destination", "postgres"]
    else:
        monkeypatch.chdir(tmp_path)
        where, into = tmp_path / "x.duckdb", ["--duckdb", str(tmp_path / "x.duckdb")]
    write_instances(tmp_path, brand_a, brand_b)
    monkeypatch.setenv("BRAND_A_TOKEN", brand_a.token)
    monkeypatch.setenv("XENTRAL_INSTANCE_HOST", "never-used.example")  # the single instance's host reaches no instance

    code = main(["sync", "--all-instances", *into])

    captured = capsys.readouterr()
    assert code == 0, captured.err + captured.out
    assert "Instance brand_a" in captured.out and "Instance brand_b" in captured.out
    assert "dataset xentral_brand_a." in captured.out and "dataset xentral_brand_b." in captured.out
    for name, emulator in (("brand_a", brand_a), ("brand_b", brand_b)):
        assert query(where, f"SELECT count(*) FROM xentral_{name}.sales_orders") == [(len(emulator.world.order_ids()),)]
        assert query(where, f"SELECT count(*) FROM analytics_{name}.fct_orders") == [(len(emulator.world.order_ids()),)]
    assert sorted(query(where, "SELECT instance, count(*), sum(net_amount) FROM analytics_all.fct_orders GROUP BY 1")) \
        == sorted(query(where, "SELECT 'brand_a', count(*), sum(net_amount) FROM analytics_brand_a.fct_orders UNION ALL "
                               "SELECT 'brand_b', count(*), sum(net_amount) FROM analytics_brand_b.fct_orders"))
    assert query(where, "SELECT count(DISTINCT instance) FROM analytics_all.product_sales") == [(2,)]

    requests_to_a = brand_a.stats.total()
    brand_b.world.create_order()
    assert main(["sync", "--instances", "brand_b", "--no-models", *into]) == 0
    assert brand_a.stats.total() == requests_to_a  # only the instance named
    assert query(where, "SELECT count(*) FROM xentral_brand_b.sales_orders") == [(46,)]


@pytest.mark.parametrize(("args", "message"), [
    (["--all-instances"], "error: no instances configured: add a table [sources.xentral.instances.<name>]"),
    (["--instances", "brand_c"], "error: no instance brand_c under [sources.xentral.instances]; configured: brand_a"),
    (["--instances", "brand_a", "--instance", "x.xentral.biz"], "error: --instance names one host; with"),
], ids=["none-configured", "unknown-name", "and-a-host"])
def test_instances_that_are_not_configured_are_one_line_before_any_request(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    if "--instances" in args:
        (tmp_path / ".dlt").mkdir()
        (tmp_path / ".dlt" / "config.toml").write_text(
            '[sources.xentral.instances.brand_a]\ninstance_host = "127.0.0.1:9"\napi_token = "t"\n', encoding="utf-8")

    code = main(["sync", *args])

    captured = capsys.readouterr()
    assert (code, captured.err.count("\n")) == (2, 1) and captured.err.startswith(message), captured.err
    assert not list(tmp_path.glob("*.duckdb"))


def test_an_instance_that_fails_leaves_the_others_synced_and_the_command_says_which(
    emulator_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    brand_a = emulator_factory(orders=10, products=4, customers=3, seed=1, token="token-a",
                               rate_limit=1000, rate_window_seconds=1.0)
    brand_b = emulator_factory(orders=10, products=4, customers=3, seed=2, token="token-b",
                               rate_limit=1000, rate_window_seconds=1.0)
    monkeypatch.chdir(tmp_path)
    write_instances(tmp_path, brand_a, brand_b)
    (tmp_path / ".dlt" / "secrets.toml").write_text(
        '[sources.xentral.instances.brand_b]\napi_token = "not-the-token"\n', encoding="utf-8")
    monkeypatch.setenv("BRAND_A_TOKEN", brand_a.token)

    code = main(["sync", "--all-instances", "--duckdb", "x.duckdb"])

    captured = capsys.readouterr()
    assert code == 2 and captured.err.count("\n") == 1 and captured.err.startswith("error: instance brand_b: ")
    assert "token-a" not in captured.err + captured.out and "not-the-token" not in captured.err + captured.out
    assert query(tmp_path / "x.duckdb", "SELECT DISTINCT instance FROM analytics_all.fct_orders") == [("brand_a",)]
