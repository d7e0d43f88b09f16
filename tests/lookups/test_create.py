"""`orders create` against the emulator: created once, never twice, dry run, rejections, scope."""

from __future__ import annotations

import json

import pytest

import pipelines.order_import.run as import_run

pytestmark = pytest.mark.e2e

ITEM = "AR-10002:2"


def test_create_shows_the_new_orders_id_and_document_number(lookup, xentral) -> None:
    before = set(xentral.world.order_ids())

    ran = lookup("orders", "create", "--customer", "10023", "--item", ITEM, "--item", "AR-10005:1:9.90")

    assert ran.code == 0, ran.err
    (new_id,) = set(xentral.world.order_ids()) - before
    view = xentral.world.order_view(new_id)
    assert ran.out.startswith(f"created sales order {view['documentNumber']} (id {new_id}) with key CLI-")
    assert view["customer"]["number"] == "10023"
    assert [(p["product"]["number"], p["quantity"]) for p in view["positions"]] == [("AR-10002", 2), ("AR-10005", 1)]
    assert view["positions"][1]["price"]["amount"] == "9.90"
    assert view["delivery"]["autoShipping"] is False  # held unless --auto-shipping


def test_the_same_command_twice_creates_one_order(lookup, xentral) -> None:
    first = lookup("orders", "create", "--customer", "10023", "--item", ITEM, "--json")
    count = xentral.world.order_count()
    second = lookup("orders", "create", "--customer", "10023", "--item", ITEM, "--json")

    assert first.code == second.code == 0, second.err
    assert xentral.world.order_count() == count
    created, skipped = json.loads(first.out), json.loads(second.out)
    assert created["outcome"] == "created"
    assert skipped["outcome"].startswith("skipped") and skipped["id"] == created["id"]
    assert created["order"] == xentral.world.order_view(created["id"])  # the API's view, untouched


def test_an_explicit_key_and_names_for_project_and_methods(lookup, xentral) -> None:
    ran = lookup("orders", "create", "--customer", "23", "--item", ITEM, "--external-number", "PHONE-0042",
                 "--project", "Onlineshop", "--payment-method", "PayPal", "--shipping-method", "dpd",
                 "--auto-shipping", "--json")

    assert ran.code == 0, ran.err
    view = xentral.world.order_view(json.loads(ran.out)["id"])
    assert view["externalOrderNumber"] == "PHONE-0042"
    assert (view["project"]["id"], view["financials"]["paymentMethod"]["id"], view["delivery"]["shippingMethod"]["id"]) \
        == ("2", "2", "2")
    assert view["delivery"]["autoShipping"] is True


def test_dry_run_sends_nothing(lookup, xentral) -> None:
    count = xentral.world.order_count()

    ran = lookup("orders", "create", "--customer", "10023", "--item", ITEM, "--dry-run")

    assert ran.code == 0, ran.err
    assert ran.out.startswith("dry run: the order with key CLI-")
    assert xentral.world.order_count() == count


def test_our_checks_reject_with_one_line_per_flag(lookup, xentral, monkeypatch) -> None:
    monkeypatch.delenv("SOURCES__XENTRAL__DEFAULT_PROJECT")
    count = xentral.world.order_count()

    ran = lookup("orders", "create", "--customer", "10023", "--item", "AR-10002:two", "--item", "AR-10003:0")

    assert ran.code == 1
    assert xentral.world.order_count() == count
    problems = ran.err.strip().splitlines()[1:]
    assert "  --item 'AR-10002:two': 'two' is not a number" in problems
    assert any(line.startswith("  --item '0': must be greater than 0") for line in problems)
    assert any(line.startswith("  --project: missing") and "default_project" in line for line in problems)


def test_unknown_customer_and_product_are_rejected_before_sending(lookup, xentral) -> None:
    count = xentral.world.order_count()

    ran = lookup("orders", "create", "--customer", "99999", "--item", "NO-SUCH-PRODUCT:1")

    assert ran.code == 1
    assert xentral.world.order_count() == count
    assert "--customer '99999'" in ran.err and "--item 'NO-SUCH-PRODUCT'" in ran.err


def test_a_create_the_emulator_rejects_shows_its_violations(lookup, xentral, monkeypatch) -> None:
    """The product vanishes between the look-up and the send (simulated by sending another id)."""
    build = import_run.import_payload

    def payload_with_a_vanished_product(*args, **kwargs):
        payload = build(*args, **kwargs)
        payload["positions"][0]["product"]["id"] = "999999"
        return payload

    monkeypatch.setattr(import_run, "import_payload", payload_with_a_vanished_product)
    count = xentral.world.order_count()

    ran = lookup("orders", "create", "--customer", "10023", "--item", ITEM)

    assert ran.code == 1
    assert xentral.world.order_count() == count
    assert "was rejected, nothing was created" in ran.err
    assert "--item '999999': Xentral: Product 999999 does not exist." in ran.err


def test_a_token_without_the_create_scope_exits_2_naming_it(emulator_factory, lookup, monkeypatch) -> None:
    limited = emulator_factory(products=60, customers=50, rate_limit=100_000, token_scopes=("salesOrder:read",))
    monkeypatch.setenv("XENTRAL_INSTANCE_HOST", limited.base_url)

    ran = lookup("orders", "create", "--customer", "10023", "--item", ITEM)

    assert ran.code == 2
    assert len(ran.err.strip().splitlines()) == 1
    assert "403" in ran.err and "salesOrder:create" in ran.err
    assert "token in use: XENTRAL_API_TOKEN in the environment" in ran.err
    assert limited.world.order_count() == 200  # the default world, nothing added
