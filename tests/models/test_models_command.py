"""`xentral-sync models`: any file and dataset name, settings from the configuration, one line on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.models.rawdata import RawData
from tests.models.test_marts import _two_currencies


def synced_file(path: Path, dataset: str = "xentral") -> Path:
    raw = _two_currencies()
    raw.product("P1")
    with duckdb.connect(str(path)) as connection:
        raw.load(connection, dataset=dataset)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("file_name", "dataset"), [("xentral.duckdb", "xentral"), ("shop.duckdb", "raw")])
def test_models_and_report_work_for_any_file_and_dataset_name(capsys, tmp_path: Path, file_name: str, dataset: str):
    """The README's defaults: in `xentral.duckdb` the dataset `xentral` is also the file's catalog name."""
    path = synced_file(tmp_path / file_name, dataset)

    code, out, _ = run(capsys, "models", "--duckdb", str(path), "--dataset", dataset)
    report_code, report, _ = run(capsys, "report", "--duckdb", str(path), "--dataset", dataset, "--format", "json")

    assert code == 0 and "Data tests: all passed" in out and "skipped" not in out
    assert report_code == 0
    assert {total["currency"]: total["net_revenue"] for total in json.loads(report)["totals"]} == {
        "CHF": "130.00", "EUR": "1200.00"}


def test_the_file_and_dataset_come_from_the_configuration(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    synced_file(tmp_path / "from_toml.duckdb", "raw")
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text('[sources.xentral]\nduckdb_path = "from_toml.duckdb"\n')
    monkeypatch.setenv("SOURCES__XENTRAL__DATASET", "raw")
    monkeypatch.setenv("SOURCES__XENTRAL__MODELS_SCHEMA", "marts_of_raw")

    code, out, _ = run(capsys, "models")

    assert code == 0 and "Built 13 SQL models in schema marts_of_raw" in out
    assert run(capsys, "report", "--by", "month")[0] == 0


def test_a_dataset_without_synced_tables_is_one_line_and_exit_2(capsys, tmp_path: Path) -> None:
    path = synced_file(tmp_path / "x.duckdb", "xentral")

    code, out, err = run(capsys, "models", "--duckdb", str(path), "--dataset", "raw")

    assert (code, out) == (2, "")
    assert err == (f"error: {path}: the schema 'raw' holds none of the tables the sync writes; run `xentral-sync "
                   "sync` first, or pass the --dataset the sync writes to\n")


def test_a_missing_file_is_one_line_and_not_created(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "models", "--duckdb", str(tmp_path / "typo.duckdb"))

    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "no DuckDB file at" in err and "typo.duckdb" in err
    assert not (tmp_path / "typo.duckdb").exists()


@pytest.mark.parametrize("content", [b"", b"order_id;status\n1;created\n"])
def test_a_file_that_is_not_duckdb_is_one_line(capsys, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "orders.duckdb"
    path.write_bytes(content)
    for command in ("models", "report"):
        code, out, err = run(capsys, command, "--duckdb", str(path))
        assert (code, out, err) == (2, "", f"error: {path} is not a DuckDB database: pass --duckdb PATH to the file "
                                           "the sync writes\n")


def test_addresses_are_tested_for_their_key_and_their_customer(capsys, tmp_path: Path) -> None:
    raw = _two_currencies()
    addresses = raw.rows["customer_addresses"]
    addresses += [{"id": "masterdata", "customer_id": "A"}, {"id": "masterdata", "customer_id": "B"},
                  {"id": "7", "customer_id": "B"}, {"id": "7", "customer_id": "B"}, {"id": "1", "customer_id": "Z"}]
    path = tmp_path / "x.duckdb"
    with duckdb.connect(str(path)) as connection:
        raw.load(connection)

    code, out, _ = run(capsys, "models", "--duckdb", str(path))

    assert code == 1
    assert "data test stg_xentral__customer_addresses__customer_id__address_id__unique FAILED" in out
    assert "customer_id=B, address_id=7, rows_with_key=2" in out
    assert "data test stg_xentral__customer_addresses__customer_id__relationships FAILED" in out


def test_only_orders_synced_builds_what_it_can(capsys, tmp_path: Path) -> None:
    raw = RawData()
    raw.order("1", "A", "100", status="released")
    path = tmp_path / "orders_only.duckdb"
    with duckdb.connect(str(path)) as connection:
        raw.load(connection, ("sales_orders", "sales_order_positions"))

    code, out, _ = run(capsys, "models", "--duckdb", str(path))

    assert code == 0
    assert "skipped stg_xentral__customers: needs customers, which has not been synced yet" in out
