"""Without the emulator: money and dates on screen, an id that is also a document number, a 403 on a read."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from pipelines.cli import main
from pipelines.lookups.format import money, quantity, timestamp

HOST = "https://acme.xentral.biz"
TOKEN = "pat-SECRET-7f3a9c2e1b"


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("24.99", "EUR", "24.99 EUR"),
        ("0.1", "CHF", "0.10 CHF"),
        ("1234567.5", "EUR", "1,234,567.50 EUR"),
        ("0.005", None, "0.005"),  # never fewer digits than sent
        (28.53, "EUR", "28.53 EUR"),  # a JSON number from the order list, read back exactly
        (0.1 + 0.2, "EUR", "0.30000000000000004 EUR"),  # a float that is not what was sent shows as it is
        (None, "EUR", "-"),
        ("n/a", "EUR", "-"),
        (1e38, "EUR", "100,000,000,000,000,000,000,000,000,000,000,000,000.00 EUR"),  # the spec sets no bound
    ],
)
def test_money_is_exact(amount, currency, shown) -> None:
    assert money(amount, currency) == shown


def test_quantities_and_timestamps() -> None:
    assert quantity(2.0) == "2"
    assert quantity(Decimal("1.50")) == "1.50"
    assert timestamp("2024-03-27T15:13:25+01:00") == "2024-03-27 15:13:25 +01:00"
    assert timestamp("2024-07-01T08:00:00Z") == "2024-07-01 10:00:00 +02:00"  # the instance's local time, as the others
    assert timestamp(None) == "-"


@pytest.fixture
def acme(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XENTRAL_INSTANCE_HOST", HOST)
    monkeypatch.setenv("XENTRAL_API_TOKEN", TOKEN)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _order(order_id: str, document: str) -> dict:
    return {"id": order_id, "documentNumber": document, "date": "2026-01-05", "customer": {"id": "1", "number": "10001"}}


def test_a_value_that_is_one_orders_id_and_anothers_document_number_is_ambiguous(acme, requests_mock) -> None:
    requests_mock.get(f"{HOST}/api/v1/salesOrders/17", json={"data": _order("17", "200030")})
    requests_mock.get(f"{HOST}/api/v1/salesOrders/5", json={"data": _order("5", "17")})
    requests_mock.get(
        re.compile(rf"{re.escape(HOST)}/api/v1/salesOrders\?.*documentNumber"),
        json={"data": [_order("5", "17")], "extra": {"totalCount": 1, "page": {"number": 1, "size": 10}}},
    )

    code, out, err = acme("orders", "show", "17")

    assert code == 1 and out == ""
    assert err.splitlines()[0].startswith("error: 2 sales orders match '17'")
    assert re.search(r"^\s*17\s+200030\s", err, re.M) and re.search(r"^\s*5\s+17\s", err, re.M)

    code, out, _ = acme("orders", "show", "17", "--by", "id")
    assert code == 0 and out.startswith("Sales order 200030 (id 17)")
    code, out, _ = acme("orders", "show", "17", "--by", "number")
    assert code == 0 and out.startswith("Sales order 17 (id 5)")


def test_a_missing_read_scope_exits_2_naming_the_scope_and_the_token(acme, requests_mock) -> None:
    requests_mock.get(re.compile(rf"{re.escape(HOST)}/api/v2/products"), status_code=403,
                      json={"message": "Missing required scopes: product:read."})

    code, out, err = acme("products", "list")

    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "listing products needs a token scope to read products" in err
    assert "Missing required scopes: product:read." in err
    assert "token in use: XENTRAL_API_TOKEN in the environment" in err
    assert TOKEN not in err
