"""End to end against the emulator: files become the right orders, exactly once, whatever happens."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipelines.api.client import XentralClient
from pipelines.cli import main
from pipelines.emulator import RunningEmulator
from pipelines.order_import import (
    ImportDefaults,
    OrderDraft,
    Outcome,
    PositionDraft,
    Ref,
    SendPolicy,
    import_orders,
)
from pipelines.order_import.ledger import Ledger, LedgerState
from pipelines.order_import.parse import drafts_from_sheet
from pipelines.order_import.read import read_sheet

from .conftest import HEADER, client_on, csv_bytes, orders_with_key

pytestmark = pytest.mark.e2e

NO_WAIT = SendPolicy(recheck_delay_seconds=0.0)
ROWS = [
    ["T-1", "2026-11-20", "10001", "EUR", "Onlineshop", "PayPal", "dpd", "AR-10002", "2", "19,90", "", "Messe"],
    ["T-1", "", "", "", "", "", "", "AR-10005", "1", "", "10", ""],
    ["T-2", "21.11.2026", "10007", "CHF", "", "", "", "AR-10003", "12", "3.50", "", ""],
]


def _import_file(path: Path, client: XentralClient, ledger: Path, defaults: ImportDefaults, **options):
    return import_orders(drafts_from_sheet(read_sheet(path), path), client, ledger, defaults=defaults,
                         policy=NO_WAIT, **options)


def _assert_rows_imported(emu: RunningEmulator) -> None:
    [first] = orders_with_key(emu, "T-1")
    assert first["customer"]["number"] == "10001"
    assert first["date"].startswith("2026-11-20")
    assert first["project"]["id"] == "2" and first["financials"]["paymentMethod"]["id"] == "2"
    assert first["delivery"]["shippingMethod"]["id"] == "2" and first["delivery"]["autoShipping"] is False
    assert [(p["product"]["number"], p["quantity"]) for p in first["positions"]] == [("AR-10002", 2), ("AR-10005", 1)]
    assert first["positions"][0]["price"]["amount"] == "19.90"
    assert first["positions"][1]["discount"] == pytest.approx(0.1)
    [second] = orders_with_key(emu, "T-2")
    assert second["date"].startswith("2026-11-21") and second["financials"]["currency"] == "CHF"
    assert second["project"]["id"] == "1"  # the default, Hauptprojekt
    assert [(p["product"]["number"], p["quantity"], p["price"]["amount"]) for p in second["positions"]] == [
        ("AR-10003", 12, "3.50")]


@pytest.mark.parametrize(("delimiter", "encoding"), [(",", "utf-8"), (";", "utf-8-sig"), (";", "cp1252")])
def test_csv_dialects_import_the_right_orders(emu, client, defaults, ledger_path, tmp_path, delimiter, encoding):
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(ROWS, delimiter, encoding=encoding))
    report = _import_file(path, client, ledger_path, defaults)
    assert [(o.key, o.outcome, o.rows) for o in report.outcomes] == [
        ("T-1", Outcome.CREATED, (2, 3)), ("T-2", Outcome.CREATED, (4,))]
    _assert_rows_imported(emu)
    with Ledger(ledger_path) as opened:
        ledger = opened.entries()
    assert {k: (e.state, e.xentral_id) for k, e in ledger.items()} == {
        o.key: (LedgerState.CREATED, o.xentral_id) for o in report.outcomes}


def test_xlsx_imports_the_right_orders(emu, client, defaults, ledger_path, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in ROWS:
        workbook.active.append([cell or None for cell in row])
    path = tmp_path / "orders.xlsx"
    workbook.save(path)
    report = _import_file(path, client, ledger_path, defaults)
    assert report.ok and len(report.outcomes) == 2
    _assert_rows_imported(emu)


def test_bad_rows_are_reported_and_their_orders_not_sent(emu, client, defaults, ledger_path, tmp_path):
    rows = [
        ["G-1", "2026-11-20", "10001", "EUR", "", "", "", "AR-10002", "1", "", "", ""],
        ["B-1", "2026-11-20", "10001", "EUR", "", "", "", "AR-10002", "1", "", "", ""],
        ["B-1", "", "", "", "", "", "", "AR-99999", "-2", "", "", ""],
        ["B-2", "31.11.2026", "99999", "XYZ", "Nirgendwo", "", "", "AR-10002", "1", "5", "", ""],
    ]
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(rows))
    report = _import_file(path, client, ledger_path, defaults)
    outcome = {o.key: o for o in report.outcomes}
    assert outcome["G-1"].outcome is Outcome.CREATED
    assert [(p.row, p.column, p.value) for p in outcome["B-1"].problems] == [(4, "quantity", "-2")]
    assert {(p.row, p.column, p.value) for p in outcome["B-2"].problems} == {
        (5, "order_date", "31.11.2026"), (5, "currency", "XYZ")}
    assert not orders_with_key(emu, "B-1") and not orders_with_key(emu, "B-2")
    assert not report.ok

    rows[2][8] = "2"  # fixed quantity: the unknown product is found when references are resolved
    rows[3][1], rows[3][3] = "30.11.2026", "HRK"  # in the spec's list, though no longer ISO 4217
    path.write_bytes(csv_bytes(rows))
    outcome = {o.key: o for o in _import_file(path, client, ledger_path, defaults).outcomes}
    assert outcome["G-1"].outcome is Outcome.SKIPPED
    assert [(p.row, p.column, p.value) for p in outcome["B-1"].problems] == [(4, "product_number", "AR-99999")]
    assert {(p.column, p.value) for p in outcome["B-2"].problems} == {
        ("customer_number", "99999"), ("project", "Nirgendwo")}
    assert not orders_with_key(emu, "B-1") and not orders_with_key(emu, "B-2")


def test_second_run_creates_nothing_and_dry_run_sends_nothing(emu, client, defaults, ledger_path, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(ROWS))
    before = emu.world.order_count()
    dry = _import_file(path, client, ledger_path, defaults, dry_run=True)
    assert [o.outcome for o in dry.outcomes] == [Outcome.WOULD_CREATE] * 2
    assert emu.world.order_count() == before and not ledger_path.exists()
    _import_file(path, client, ledger_path, defaults)
    second = _import_file(path, client, ledger_path, defaults)
    assert [o.outcome for o in second.outcomes] == [Outcome.SKIPPED] * 2
    assert emu.world.order_count() == before + 2
    dry = _import_file(path, client, ledger_path, defaults, dry_run=True)
    assert [o.outcome for o in dry.outcomes] == [Outcome.SKIPPED] * 2


def _one_order(key: str = "CLI-1") -> OrderDraft:
    return OrderDraft(key=key, customer=Ref("10001"), positions=(PositionDraft(Ref("AR-10002"), Decimal(1)),))


def test_an_import_answering_too_late_creates_one_order(world_emulator, defaults, ledger_path):
    emu = world_emulator(slow_import_seconds=1.0)
    client = client_on(emu, timeout=0.3)
    report = import_orders([_one_order()], client, ledger_path, defaults=defaults, policy=NO_WAIT)
    [found] = orders_with_key(emu, "CLI-1")
    assert report.outcomes[0].outcome is Outcome.CREATED and report.outcomes[0].xentral_id == found["id"]


@pytest.mark.parametrize("fault", ["drop", "error"])
def test_an_unclear_answer_is_looked_up_before_resending(world_emulator, defaults, ledger_path, fault):
    """A dropped answer (order created) is found; a 503 (nothing created) is sent again: one order each way."""
    emu = world_emulator(drop_rate=1.0 if fault == "drop" else 0.0, fail_operations=("salesOrder.import",))
    if fault == "error":
        emu.fail_next("salesOrder.import", 1, 503)
    report = import_orders([_one_order()], client_on(emu), ledger_path, defaults=defaults, policy=NO_WAIT)
    assert report.outcomes[0].outcome is Outcome.CREATED
    assert len(orders_with_key(emu, "CLI-1")) == 1
    assert emu.stats.count("salesOrder.import") == (1 if fault == "drop" else 2)


def test_a_small_emulator_world_grows_while_filtered(emulator_factory, defaults, ledger_path):
    """Regression: the emulator's tables failed to grow past a few seeded orders once filtered on."""
    emu = emulator_factory(orders=3)
    drafts = [_one_order(f"SMALL-{number}") for number in range(20)]
    report = import_orders(drafts, client_on(emu), ledger_path, defaults=defaults, policy=NO_WAIT)
    assert report.ok and emu.world.order_count() == 23


@pytest.mark.parametrize("duplicates", ["accept", "reject"])
def test_duplicate_settings_both_end_with_one_order(world_emulator, defaults, ledger_path, duplicates):
    emu = world_emulator(duplicate_external_order_number=duplicates, drop_rate=1.0,
                         fail_operations=("salesOrder.import",))
    emu.world.create_order(customer_id=1, external_order_number="OLD-1")  # created elsewhere, e.g. by hand
    client = client_on(emu)
    report = import_orders([_one_order("old-1"), _one_order("NEW-1")], client, ledger_path, defaults=defaults,
                           policy=NO_WAIT)
    assert [o.outcome for o in report.outcomes] == [Outcome.SKIPPED, Outcome.CREATED]
    assert len(orders_with_key(emu, "OLD-1")) == 1 and len(orders_with_key(emu, "NEW-1")) == 1


def test_conflict_answer_is_skipped_as_existing(world_emulator, defaults, ledger_path, monkeypatch):
    """With duplicates rejected, a key created between our look-up and our POST answers 409: skipped."""
    emu = world_emulator(duplicate_external_order_number="reject")
    from pipelines.order_import import run

    real = run.find_existing_orders
    monkeypatch.setattr(run, "find_existing_orders", lambda client, keys: {})  # the plan misses it
    emu.world.create_order(customer_id=1, external_order_number="RACE-1")
    report = import_orders([_one_order("RACE-1")], client_on(emu), ledger_path, defaults=defaults, policy=NO_WAIT)
    assert report.outcomes[0].outcome is Outcome.SKIPPED and report.outcomes[0].xentral_id
    assert len(orders_with_key(emu, "RACE-1")) == 1
    assert real is not run.find_existing_orders


def test_cli_exit_codes_results_file_and_summary(emu, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XENTRAL_INSTANCE_HOST", emu.base_url)
    monkeypatch.setenv("XENTRAL_API_TOKEN", emu.token)
    path = tmp_path / "orders.csv"
    rows = [*ROWS, ["=1+1", "2026-11-20", "10001", "EUR", "", "", "", "AR-10002", "0", "", "", ""]]
    path.write_bytes(csv_bytes(rows, ";", encoding="cp1252"))
    args = ["import", str(path), "--duckdb", str(tmp_path / "x.duckdb"), "--project", "STANDARD",
            "--payment-method", "rechnung", "--shipping-method", "1"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "=1+1 (row 5): rejected" in out and "row 5, quantity '0': must be greater than 0" in out
    assert "import: 3 orders: 2 created, 0 rejected" not in out and "2 created, 1 rejected, 0 failed" in out
    assert f"ledger {tmp_path / 'x.import-ledger.sqlite'} (a local SQLite file" in out  # beside the DuckDB file
    results = (tmp_path / "orders.results.csv").read_text(encoding="utf-8-sig").splitlines()
    assert results[0] == "key;outcome;xentral_id;rows;error" and results[3].startswith("'=1+1;rejected;;5;")
    with Ledger(tmp_path / "x.import-ledger.sqlite") as ledger:
        states = {key: entry.state.value for key, entry in ledger.entries().items()}
    assert states == {"T-1": "created", "T-2": "created", "=1+1": "rejected"}
    assert not (tmp_path / "x.duckdb").exists()  # the import never touches the sync's file

    path.write_bytes(csv_bytes(ROWS))
    assert main([*args, "--results", str(tmp_path / "again.csv")]) == 0
    assert "2 skipped: already in Xentral" in capsys.readouterr().out
    path.write_bytes(b"order key;menge\nA;1\n")
    assert main(args) == 2
    assert "missing required column(s) quantity, customer or customer_number" in capsys.readouterr().err


def test_the_order_path_for_one_command_line_order(emu, client, defaults, ledger_path):
    """What `xentral-sync orders create` builds on: ids work as well as numbers and names."""
    draft = OrderDraft(key="PHONE-1", customer=Ref("7"), project="2", payment_method="Lastschrift",
                       shipping_method="Abholung im Lager", positions=(PositionDraft(Ref("3"), Decimal("2.5")),))
    report = import_orders([draft], client, ledger_path, defaults=defaults, auto_shipping=True, policy=NO_WAIT)
    assert report.outcomes[0].outcome is Outcome.CREATED and report.outcomes[0].rows == ()
    [order] = orders_with_key(emu, "PHONE-1")
    assert order["customer"]["id"] == "7" and order["delivery"]["autoShipping"] is True
    assert order["positions"][0]["product"]["id"] == "3" and order["positions"][0]["quantity"] == 2.5


def test_the_shipped_template_imports(emu, client, ledger_path):
    path = Path(__file__).parents[2] / "examples" / "orders.csv"
    report = _import_file(path, client, ledger_path, ImportDefaults(), dry_run=True)
    assert [(o.key, o.outcome, o.rows) for o in report.outcomes] == [
        ("FAIR-2026-001", Outcome.WOULD_CREATE, (2, 3)), ("FAIR-2026-002", Outcome.WOULD_CREATE, (4,))]


def test_xentral_violations_are_reported_per_field_at_their_rows(emu, client, defaults, ledger_path, tmp_path,
                                                                 monkeypatch):
    """A product deleted between the look-up and the POST: Xentral's 400 names positions.1.product.id,
    which is the second position's row and its product column."""
    from pipelines.order_import import run

    build = run.import_payload

    def second_product_gone(*args, **kwargs):
        payload = build(*args, **kwargs)
        payload["positions"][1]["product"]["id"] = "999999"
        return payload

    monkeypatch.setattr(run, "import_payload", second_product_gone)
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(ROWS[:2]))
    report = _import_file(path, client, ledger_path, defaults)
    [outcome] = report.outcomes
    assert outcome.outcome is Outcome.REJECTED and not orders_with_key(emu, "T-1")
    [problem] = outcome.problems
    assert (problem.row, problem.column, problem.value) == (3, "product", "999999")
    assert problem.reason.startswith("Xentral: ") and "999999" in problem.reason


@pytest.mark.parametrize("error_body", ["empty", "message"])
def test_a_token_without_the_create_scope_stops_sending_with_exit_2(world_emulator, tmp_path, monkeypatch, capsys,
                                                                     error_body):
    """Reading works, the first POST answers 403 (with or without a body): nothing is created, every
    order is failed in the results file, and the one error line names the missing scope."""
    emu = world_emulator(token_scopes=("salesOrder:read",), error_body=error_body)
    monkeypatch.setenv("XENTRAL_INSTANCE_HOST", emu.base_url)
    monkeypatch.setenv("XENTRAL_API_TOKEN", emu.token)
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(ROWS))
    count = emu.world.order_count()

    assert main(["import", str(path), "--duckdb", str(tmp_path / "x.duckdb"), "--project", "STANDARD",
                 "--payment-method", "rechnung", "--shipping-method", "1"]) == 2

    assert emu.world.order_count() == count
    err = capsys.readouterr().err
    assert "error: stopped sending:" in err and "salesOrder:create" in err
    results = (tmp_path / "orders.results.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[1] for line in results[1:]] == ["failed", "failed"]
