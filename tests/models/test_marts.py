"""The marts over hand-written orders whose right answers are worked out here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

from tests.models.conftest import select
from tests.models.rawdata import RawData


def test_staging_normalises_status_casts_money_and_keeps_timestamps_in_utc(connection, build) -> None:
    raw = RawData()
    raw.customer("1")
    raw.order("10", "1", "12.3", status=" Released ")
    raw.order("11", "1", "5", status=None)  # type: ignore[arg-type]
    raw.rows["sales_orders"][0]["net_sales__amount"] = D("12.300000000")
    build(raw, ("sales_orders", "sales_order_positions", "customers"))

    rows = select(connection, "select order_id, status, net_amount, created_at_utc, cast(net_amount as varchar) as money "
                              "from analytics.stg_xentral__sales_orders order by order_id")

    assert [(row["order_id"], row["status"], row["net_amount"]) for row in rows] == [
        ("10", "released", D("12.30")), ("11", "unknown", D("5.00"))]
    assert rows[0]["money"] == "12.30"
    assert rows[0]["created_at_utc"] == datetime(2026, 1, 15, 9, 0)


def test_value_bands_count_orders_at_their_lower_bound_and_keep_canceled_apart(connection, build) -> None:
    raw = RawData()
    raw.customer("1")
    for order_id, net in (("1", "50"), ("2", "100"), ("3", "499.99"), ("4", "500"), ("5", "7000")):
        raw.order(order_id, "1", net, status="released")
    raw.order("6", "1", "200", status="canceled")
    build(raw)

    bands = select(connection, "select value_band, orders, canceled_orders, net_revenue, revenue_share "
                               "from analytics.order_value_bands where currency = 'EUR' order by value_band_order")

    total = D("50") + D("599.99") + D("500") + D("7000")
    assert [(b["value_band"], b["orders"], b["canceled_orders"], b["net_revenue"]) for b in bands] == [
        ("under 100", 1, 0, D("50")),
        ("100 to 500", 2, 1, D("599.99")),
        ("500 to 1,000", 1, 0, D("500")),
        ("1,000 to 5,000", 0, 0, D("0")),
        ("5,000 and more", 1, 0, D("7000")),
    ]
    assert bands[1]["revenue_share"] == round(D("599.99") / total, 6)
    fct = {row["order_id"]: row["value_band"] for row in select(connection, "select * from analytics.fct_orders")}
    assert fct["2"] == "100 to 500" and fct["3"] == "100 to 500" and fct["6"] == "100 to 500"


def _two_currencies() -> RawData:
    """A: EUR 100 + 300 (+ a canceled 1000); B: EUR 400 and CHF 50; C: nothing; D: CHF 80; E: EUR 400."""
    raw = RawData()
    for customer_id in "ABCDE":
        raw.customer(customer_id, name=f"Kunde {customer_id}")
    raw.order("1", "A", "100", day=date(2026, 1, 5), status="completed")
    raw.order("2", "A", "1000", day=date(2026, 1, 7), status="canceled")
    raw.order("3", "A", "300", day=date(2026, 3, 1), status="released")
    raw.order("4", "B", "400", day=date(2026, 2, 1), status="created")
    raw.order("5", "B", "50", day=date(2026, 2, 2), currency="CHF")
    raw.order("6", "D", "80", day=date(2026, 2, 3), currency="CHF")
    raw.order("7", "E", "400", day=date(2026, 2, 4), status="released")
    return raw


def test_customer_summary_ranks_within_a_currency_and_never_adds_currencies(connection, build) -> None:
    build(_two_currencies())

    rows = select(connection, "select customer_id, currency, orders, net_revenue, revenue_rank, revenue_share, "
                              "canceled_orders, completed_orders, released_orders, first_order_date, last_order_date "
                              "from analytics.customer_order_summary order by customer_id, currency nulls last")
    by_key = {(row["customer_id"], row["currency"]): row for row in rows}

    assert sorted(by_key) == [("A", "EUR"), ("B", "CHF"), ("B", "EUR"), ("C", None), ("D", "CHF"), ("E", "EUR")]
    a = by_key["A", "EUR"]
    assert (a["orders"], a["net_revenue"], a["canceled_orders"], a["completed_orders"], a["released_orders"]) == (
        2, D("400"), 1, 1, 1)
    assert (a["first_order_date"], a["last_order_date"]) == (date(2026, 1, 5), date(2026, 3, 1))
    assert [by_key[key]["revenue_rank"] for key in (("A", "EUR"), ("B", "EUR"), ("E", "EUR"))] == [1, 1, 1]
    assert (by_key["D", "CHF"]["revenue_rank"], by_key["B", "CHF"]["revenue_rank"]) == (1, 2)
    assert by_key["A", "EUR"]["revenue_share"] == round(D(400) / D(1200), 6)
    assert by_key["D", "CHF"]["revenue_share"] == round(D(80) / D(130), 6)
    no_orders = by_key["C", None]
    assert (no_orders["orders"], no_orders["net_revenue"], no_orders["revenue_rank"]) == (0, D(0), None)


def test_fct_orders_numbers_a_customers_orders_skipping_canceled_ones(connection, build) -> None:
    build(_two_currencies())

    rows = select(connection, "select order_id, customer_order_sequence, is_first_order, is_canceled, tax_amount "
                              "from analytics.fct_orders where customer_id = 'A' order by order_id")

    assert [(r["order_id"], r["customer_order_sequence"], r["is_first_order"], r["is_canceled"]) for r in rows] == [
        ("1", 1, True, False), ("2", None, False, True), ("3", 2, False, False)]
    assert rows[0]["tax_amount"] == D("19.00")


def test_monthly_revenue_runs_a_total_per_customer_and_currency(connection, build) -> None:
    raw = _two_currencies()
    raw.order("8", "A", "50", day=date(2026, 1, 20), status="completed")
    build(raw)

    rows = select(connection, "select order_month, orders, canceled_orders, net_revenue, running_net_revenue "
                              "from analytics.customer_monthly_revenue where customer_id = 'A' order by order_month")

    assert [tuple(row.values()) for row in rows] == [
        (date(2026, 1, 1), 2, 1, D("150"), D("150")),
        (date(2026, 3, 1), 1, 0, D("300"), D("450")),
    ]


def test_product_sales_count_orders_and_customers_once_and_skip_canceled(connection, build) -> None:
    raw = RawData()
    raw.customer("1")
    raw.customer("2")
    for product_id in ("P1", "P2", "P3"):
        raw.product(product_id)
    raw.order("1", "1", [("P1", 2, "20"), ("P1", 1, "10"), ("P2", 1, "5")])
    raw.order("2", "2", [("P1", 1, "10")])
    raw.order("3", "2", [("P1", 5, "50")], status="canceled")
    raw.order("4", "1", [("GONE", 1, "7")], currency="CHF")
    _, failures = build(raw)

    rows = select(connection, "select product_id, currency, quantity, net_revenue, orders, customers, is_vanished "
                              "from analytics.product_sales order by product_id, currency")

    assert [tuple(row.values()) for row in rows] == [
        ("GONE", "CHF", D(1), D("7"), 1, 1, True),
        ("P1", "EUR", D(4), D("40"), 2, 2, False),
        ("P2", "EUR", D(1), D("5"), 1, 1, False),
        ("P3", None, D(0), D(0), 0, 0, False),
    ]
    assert [(f.name, f.is_warning, f.failing_rows) for f in failures] == [
        ("fct_order_positions__product_id__relationships", True, 1)]


def test_vanished_orders_leave_the_marts_and_vanished_customers_keep_their_revenue(connection, build) -> None:
    raw = RawData()
    raw.customer("1", vanished=True)
    raw.customer("2", vanished=True)
    raw.product("P1")
    raw.order("1", "1", "100")
    raw.order("2", "1", "999", vanished=True)
    _, failures = build(raw)

    summary = select(connection, "select customer_id, orders, net_revenue, is_vanished "
                                 "from analytics.customer_order_summary")

    assert summary == [{"customer_id": "1", "orders": 1, "net_revenue": D("100"), "is_vanished": True}]
    assert failures == []
