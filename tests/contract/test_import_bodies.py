"""Import bodies against the official request schema: the shipped copy is the spec's, and what it
refuses is refused by our checks, on the spreadsheet row and column it came from, and never sent."""
from __future__ import annotations

import copy
import csv
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.order_import.schema import body_violations, request_schema
from tests.conftest import official_import_request_schema
from tests.order_import.conftest import import_env

BODY = {
    "date": "2026-11-20", "externalOrderNumber": "K-1", "customer": {"id": "7"}, "project": {"id": "1"},
    "financials": {"paymentMethod": {"id": "2"}, "currency": "EUR",
                   "billingAddress": {"name": "Jörg", "country": "DE", "email": "info@firma.de"}},
    "delivery": {"shippingMethod": {"id": "3"}, "autoShipping": False},
    "positions": [{"product": {"id": "11"}, "quantity": 2, "price": {"amount": "19.90", "currency": "EUR"}}],
}


def test_the_shipped_schema_is_the_official_one_unmodified() -> None:
    assert request_schema() == official_import_request_schema()


def _with(path: str, value: object) -> dict:
    body = copy.deepcopy(BODY)
    node = body
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = value
    return body


@pytest.mark.parametrize(("path", "value", "reason"), [
    ("positions.0.price.currency", "XAF", "Xentral's import accepts only EUR, USD"),
    ("positions.0.price.currency", "eur", "Xentral's import accepts only"),
    ("financials.billingAddress.email", "max.mustermann.de", "not a valid e-mail address"),
    ("financials.billingAddress.email", "max@", "not a valid e-mail address"),
    ("financials.billingAddress.email", "max @firma.de", "not a valid e-mail address"),
    ("date", "2026-02-30", "not a valid date"),
    ("customer.id", "abc", "match \\d+"),
    ("comment", 17, "refuses it: 17 is not of type 'string'"),
])
def test_what_the_schema_refuses(path: str, value: object, reason: str) -> None:
    [(found_path, found_reason)] = body_violations(_with(path, value))
    assert found_path == path and reason in found_reason


@pytest.mark.parametrize(("path", "value"), [
    ("positions.0.price.currency", "HRK"), ("financials.currency", "XAF"), ("financials.billingAddress.email",
                                                                              "o'brien+shop@mail.firma.de"),
])
def test_what_the_schema_allows(path: str, value: object) -> None:
    assert body_violations(_with(path, value)) == []


def test_missing_and_unknown_properties_are_named() -> None:
    body = _with("financials.billingAddress", {"country": "DE"})
    body["note"] = "x"
    assert body_violations(body) == [
        ("", "Xentral's import refuses it: Additional properties are not allowed ('note' was unexpected)"),
        ("financials.billingAddress.name", "missing: Xentral's import requires it"),
    ]


HEADER = ["order_key", "customer_number", "currency", "product_number", "quantity", "unit_price", "billing_name",
          "billing_country", "billing_email"]


@pytest.fixture
def configured(emulator_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """An emulator, and the environment of a user who set host, token and the import defaults."""
    for name, value in import_env(emulator_factory(orders=20)).items():
        monkeypatch.setenv(name, value)


def test_an_import_refuses_on_row_and_column_and_sends_only_what_the_spec_allows(
    configured, tmp_path: Path, capsys: pytest.CaptureFixture[str], sent_import_bodies: list
) -> None:
    file = tmp_path / "orders.csv"
    with file.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows([
            HEADER,
            ["HRK-1", "10001", "HRK", "AR-10002", "1", "9,90", "", "", ""],
            ["XAF-1", "10001", "XAF", "AR-10002", "1", "9,90", "", "", ""],
            ["XAF-1", "", "", "AR-10003", "2", "1,50", "", "", ""],
            ["MAIL-1", "10001", "EUR", "AR-10002", "1", "", "Max", "DE", "max.mustermann.de"],
            ["NONAME-1", "10001", "EUR", "AR-10002", "1", "", "", "DE", ""],
        ])

    assert main(["import", str(file), "--ledger", str(tmp_path / "l.sqlite")]) == 1

    out = capsys.readouterr().out
    assert "row 3, currency 'XAF': Xentral's import accepts only EUR, USD, JPY" in out
    assert "row 4, currency" not in out  # one problem per cell, not one per position
    assert "row 5, billing_email 'max.mustermann.de': not a valid e-mail address" in out
    assert "row 6, billing_name '': missing: Xentral's import requires it" in out
    assert "1 created, 3 rejected, 0 failed" in out
    assert [body["externalOrderNumber"] for body in sent_import_bodies] == ["HRK-1"]


def test_orders_create_names_the_setting_a_refused_currency_came_from(
    configured, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    sent_import_bodies: list,
) -> None:
    monkeypatch.setenv("SOURCES__XENTRAL__DEFAULT_CURRENCY", "xaf")

    code = main(["orders", "create", "--customer", "10001", "--item", "AR-10002:1:9.90",
                 "--ledger", str(tmp_path / "l.sqlite")])

    assert code == 1 and sent_import_bodies == []
    err = capsys.readouterr().err
    [line] = [line for line in err.splitlines() if "'XAF'" in line]
    assert line.startswith("  default_currency 'XAF': Xentral's import accepts only EUR,")
    assert line.endswith("(from default_currency)")
