"""Checks a draft must pass before anything about it is sent: needs no request to Xentral."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipelines.order_import import columns
from pipelines.order_import.currencies import ISO_4217
from pipelines.order_import.model import Address, OrderDraft, PositionDraft, Problem
from pipelines.xentral.config import ImportDefaults

_DEFAULT_SETTING = {
    columns.PROJECT: "default_project",
    columns.PAYMENT_METHOD: "default_payment_method",
    columns.SHIPPING_METHOD: "default_shipping_method",
}


def check_drafts(drafts: Sequence[OrderDraft], defaults: ImportDefaults) -> dict[str, list[Problem]]:
    """Problems by order key (only keys that have some), including a key used by two drafts."""
    problems: dict[str, list[Problem]] = {}
    seen: set[str] = set()
    for draft in drafts:
        found = [*draft.problems, *check_draft(draft, defaults)]
        folded = draft.key.casefold()
        if folded in seen:
            reason = "another order in this run has this key"
            found.append(Problem(draft.first_row, columns.ORDER_KEY, draft.key, reason))
        seen.add(folded)
        if found:
            problems.setdefault(draft.key, []).extend(found)
    return problems


def check_draft(draft: OrderDraft, defaults: ImportDefaults) -> list[Problem]:
    row = draft.first_row
    problems: list[Problem] = []
    if not draft.key.strip():
        problems.append(Problem(row, columns.ORDER_KEY, draft.key, "every order needs a key"))
    if not draft.customer.value.strip():
        problems.append(Problem(row, columns.CUSTOMER, "", "every order needs a customer (number or id)"))
    currency = draft.currency or defaults.currency
    if currency not in ISO_4217:
        problems.append(Problem(row, columns.CURRENCY, currency, "not an ISO 4217 currency code such as EUR"))
    for column, value in (
        (columns.PROJECT, draft.project or defaults.project),
        (columns.PAYMENT_METHOD, draft.payment_method or defaults.payment_method),
        (columns.SHIPPING_METHOD, draft.shipping_method or defaults.shipping_method),
    ):
        if not value:
            reason = f"missing: fill the column or set {_DEFAULT_SETTING[column]} in .dlt/config.toml"
            problems.append(Problem(row, column, "", reason))
    if not draft.positions:
        problems.append(Problem(row, columns.PRODUCT, "", "an order needs at least one position"))
    for position in draft.positions:
        problems.extend(_check_position(position, row))
    problems.extend(_check_address(draft.billing_address, "billing", row))
    problems.extend(_check_address(draft.shipping_address, "shipping", row))
    return problems


def _check_position(position: PositionDraft, order_row: int | None) -> list[Problem]:
    row = position.row if position.row is not None else order_row
    problems: list[Problem] = []
    if not position.product.value.strip():
        problems.append(Problem(row, columns.PRODUCT, "", "every position needs a product (number or id)"))
    if position.quantity is None:
        problems.append(Problem(row, columns.QUANTITY, "", "every position needs a quantity"))
    elif not position.quantity > 0:
        problems.append(Problem(row, columns.QUANTITY, str(position.quantity), "must be greater than 0"))
    if position.unit_price is not None and position.unit_price < 0:
        problems.append(Problem(row, columns.UNIT_PRICE, str(position.unit_price), "must not be negative"))
    if position.discount is not None and not 0 <= position.discount <= 100:
        problems.append(Problem(row, columns.DISCOUNT, str(position.discount), "must be a percentage from 0 to 100"))
    return problems


def _check_address(address: Address | None, prefix: str, row: int | None) -> list[Problem]:
    if address is None:
        return []
    problems: list[Problem] = []
    if not address.name.strip():
        problems.append(Problem(row, f"{prefix}_name", "", "an address needs a name"))
    if not re.fullmatch(r"[A-Z]{2}", address.country):
        problems.append(Problem(row, f"{prefix}_country", address.country, "needs a two-letter country code like DE"))
    return problems
