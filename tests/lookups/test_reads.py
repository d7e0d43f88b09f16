"""The read commands against the emulator: answers, ranking, not-found, ambiguity, auth, --json."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pipelines.emulator import RunningEmulator

pytestmark = pytest.mark.e2e


def _orders_by_document(xentral: RunningEmulator) -> dict[str, dict]:
    return {xentral.world.order_view(i)["documentNumber"]: xentral.world.order_view(i) for i in xentral.world.order_ids()}


# ---- orders ------------------------------------------------------------------------------


def test_orders_list_shows_the_newest_first_with_money_and_currency(lookup, xentral) -> None:
    ran = lookup("orders", "list", "--limit", "3")

    assert ran.code == 0, ran.err
    newest = sorted(xentral.world.order_ids(), key=int, reverse=True)[:3]
    lines = ran.out.splitlines()
    assert lines[0].split() == ["id", "document", "date", "status", "customer", "net", "total"]
    for line, order_id in zip(lines[2:], newest):
        view = xentral.world.order_view(order_id)
        assert line.split()[0] == order_id
        assert f"{Decimal(view['total']['amount']):,.2f} {view['total']['currency']}" in line
    assert len(lines) == 5
    assert "there may be more" in ran.err


def test_orders_list_filters_by_status_date_and_customer(lookup, xentral) -> None:
    views = [xentral.world.order_view(i) for i in xentral.world.order_ids()]
    customer = views[0]["customer"]["number"]
    since = sorted(view["date"] for view in views)[len(views) // 2]
    expected = {
        view["id"] for view in views
        if view["status"] in ("created", "released") and view["date"] >= since and view["customer"]["number"] == customer
    }

    ran = lookup("orders", "list", "--status", "created,released", "--since", since, "--customer", customer,
                 "--limit", "50", "--json")

    assert ran.code == 0, ran.err
    assert {item["id"] for item in json.loads(ran.out)} == expected


def test_orders_list_json_is_the_api_data_untouched(lookup, xentral) -> None:
    ran = lookup("orders", "list", "--limit", "2", "--json")

    items = json.loads(ran.out)
    assert items == [xentral.world.order_list_item(item["id"]) for item in items]
    assert isinstance(items[0]["total"], float)  # list totals stay plain numbers, as the API sends them


def test_orders_show_by_document_number_has_positions_and_amounts(lookup, xentral) -> None:
    document, view = next(iter(_orders_by_document(xentral).items()))

    ran = lookup("orders", "show", document)

    assert ran.code == 0, ran.err
    assert ran.out.startswith(f"Sales order {document} (id {view['id']})")
    for position in view["positions"]:
        assert position["product"]["number"] in ran.out
        assert f"{position['netRevenueTotal']['amount']} {position['netRevenueTotal']['currency']}" in ran.out
    tax = Decimal(view["total"]["amount"]) - Decimal(view["netSales"]["amount"])
    assert f"tax:    {tax} {view['total']['currency']}" in ran.out


def test_orders_show_by_id_and_json_is_the_view_untouched(lookup, xentral) -> None:
    order_id = xentral.world.order_ids()[4]

    ran = lookup("orders", "show", order_id, "--json")

    assert ran.code == 0, ran.err
    assert json.loads(ran.out) == xentral.world.order_view(order_id)


def test_orders_show_by_external_order_number(lookup, xentral) -> None:
    order_id = xentral.world.order_ids()[2]
    xentral.world.update_order(order_id, external_order_number="PHONE-4711")

    ran = lookup("orders", "show", "PHONE-4711", "--json")

    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["id"] == order_id


def test_orders_show_unknown_says_so_in_one_line_and_exits_1(lookup) -> None:
    ran = lookup("orders", "show", "999999")

    assert ran.code == 1
    assert ran.out == ""
    assert ran.err.strip().splitlines() == [
        "error: no sales order matches '999999' (looked up by id, document number, external order number)"
    ]


def test_an_empty_value_is_one_line(lookup) -> None:
    ran = lookup("orders", "show", " ")

    assert ran.code == 1
    assert ran.err.strip() == "error: an empty value names no sales order: give an id, a number or a name"


# ---- products ----------------------------------------------------------------------------


def test_products_search_ranks_exact_number_first_then_name_tiers(lookup) -> None:
    ran = lookup("products", "list", "--search", "Kaffeebecher Größe L", "--json")

    names = [item["name"] for item in json.loads(ran.out)]
    assert names[0] == "Kaffeebecher Größe L"  # equal name before names containing it
    assert set(names[1:]) >= {"Kaffeebecher Größe L – Rot", "Kaffeebecher Größe L Premium"}
    assert all("kaffeebecher größe l" in name.lower() for name in names)

    by_number = lookup("products", "list", "--search", "AR-10004", "--json")
    assert [item["number"] for item in json.loads(by_number.out)][0] == "AR-10004"


def test_products_list_table_has_prices(lookup, xentral) -> None:
    ran = lookup("products", "list", "--search", "AR-10001")

    item = xentral.world.product_list_item("1")
    assert ran.code == 0, ran.err
    assert "AR-10001" in ran.out and item["salesPriceNet"]["amount"] in ran.out


def test_products_show_by_number_adds_prices_from_the_list(lookup, xentral) -> None:
    item = xentral.world.product_list_item("7")

    ran = lookup("products", "show", item["number"])

    assert ran.code == 0, ran.err
    assert ran.out.startswith(f"Product {item['number']} (id 7)")
    assert f"sales price net:     {item['salesPriceNet']['amount']}" in ran.out


def test_products_show_by_unique_name_part(lookup) -> None:
    ran = lookup("products", "show", "Gießkanne 10 l Premium", "--json")

    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["name"] == "Gießkanne 10 l Premium"


def test_products_show_ambiguous_lists_the_candidates_and_exits_1(lookup) -> None:
    ran = lookup("products", "show", "kaffeebecher")

    assert ran.code == 1
    assert ran.out == ""
    first, *candidates = ran.err.strip().splitlines()
    assert first.startswith("error: 5 products match 'kaffeebecher'")
    assert "--by id" in first
    assert sum("Kaffeebecher" in line for line in candidates) == 5


def test_products_show_by_id_only(lookup) -> None:
    ran = lookup("products", "show", "12", "--by", "id", "--json")

    assert json.loads(ran.out)["id"] == "12"
    assert lookup("products", "show", "AR-10012", "--by", "id").err.strip() == (
        "error: 'AR-10012' cannot be the id of a product"
    )


def test_products_show_unknown_is_one_line(lookup) -> None:
    ran = lookup("products", "show", "hex nut")

    assert ran.code == 1
    assert ran.err.strip().splitlines() == [
        "error: no product matches 'hex nut' (looked up by number, name, number containing it, name containing it)"
    ]


# ---- customers ---------------------------------------------------------------------------


def test_customers_search_exact_name_and_substring(lookup, xentral) -> None:
    equal = [xentral.world.customer_list_item(i) for i in xentral.world.customer_ids()]
    name = equal[10]["name"]
    twins = [c["id"] for c in equal if c["name"].casefold() == name.casefold()]

    ran = lookup("customers", "list", "--search", name.upper(), "--json")
    assert [c["id"] for c in json.loads(ran.out)][: len(twins)] == twins

    part = "öller"
    substring = lookup("customers", "list", "--search", part, "--json")
    expected = {c["id"] for c in equal if part in c["name"].casefold() or part in c["contactDetails"]["email"]}
    assert {c["id"] for c in json.loads(substring.out)} == expected


def test_customers_show_with_all_its_addresses(lookup, xentral) -> None:
    view = xentral.world.customer_view("27")
    addresses = xentral.world.customer_addresses("27")
    assert len(addresses) > 10  # more than the address list's default page

    ran = lookup("customers", "show", view["number"])

    assert ran.code == 0, ran.err
    assert ran.out.startswith(f"Customer {view['number']} (id 27)")
    for address in addresses:
        assert address["street"] in ran.out and f"{address['zip']} " in ran.out and address["city"] in ran.out

    as_json = json.loads(lookup("customers", "show", "27", "--json").out)
    assert as_json == {"customer": view, "addresses": addresses}


def test_customers_show_when_the_addresses_answer_404(lookup, xentral) -> None:
    xentral.fail_next("customer.address.list.v2", 1, 404)
    ran = lookup("customers", "show", "27")
    assert ran.code != 0 and "customer 27 was listed but its addresses answered 404" in ran.err


def test_customers_show_ambiguous_name(lookup, xentral) -> None:
    names = [xentral.world.customer_list_item(i)["name"] for i in xentral.world.customer_ids()]
    twin = next(name for name in names if names.count(name) > 1)

    ran = lookup("customers", "show", twin)

    assert ran.code == 1
    assert ran.err.startswith(f"error: {names.count(twin)} customers match {twin!r}")


def test_customers_show_unknown(lookup) -> None:
    ran = lookup("customers", "show", "nobody@nowhere.example")

    assert ran.code == 1
    assert ran.err.startswith("error: no customer matches 'nobody@nowhere.example'")


# ---- auth --------------------------------------------------------------------------------


def test_a_rejected_token_names_where_it_came_from_never_its_value(lookup, monkeypatch) -> None:
    monkeypatch.setenv("XENTRAL_API_TOKEN", "expired-token-value")

    ran = lookup("customers", "list")

    assert ran.code == 2
    assert len(ran.err.strip().splitlines()) == 1
    assert "401" in ran.err and "token in use: XENTRAL_API_TOKEN in the environment" in ran.err
    assert "expired-token-value" not in ran.err + ran.out


def test_a_rejected_token_from_dotenv_says_so(lookup, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("XENTRAL_API_TOKEN")
    (tmp_path / ".env").write_text("XENTRAL_API_TOKEN=old-dotenv-token\n")

    ran = lookup("orders", "show", "1")

    assert ran.code == 2
    assert "token in use: XENTRAL_API_TOKEN in .env" in ran.err
    assert "old-dotenv-token" not in ran.err + ran.out
