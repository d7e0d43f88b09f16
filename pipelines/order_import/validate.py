"""Checks a draft must pass before anything about it is sent: needs no request to Xentral."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from pipelines.api.timestamps import XENTRAL_TIMEZONE
from pipelines.order_import import columns
from pipelines.order_import.defaults import ImportDefaults
from pipelines.order_import.model import Address, OrderDraft, PositionDraft, Problem
from pipelines.order_import.payload import import_payload
from pipelines.order_import.resolve import ResolvedOrder
from pipelines.order_import.schema import body_problems

PLACEHOLDER_ID = "0"
"""Stands for each id in the body checked before references are resolved (the schema's ``\\d+``)."""

_DEFAULT_SETTING = {
    columns.PROJECT: "default_project",
    columns.PAYMENT_METHOD: "default_payment_method",
    columns.SHIPPING_METHOD: "default_shipping_method",
}


def check_drafts(drafts: Sequence[OrderDraft], defaults: ImportDefaults) -> dict[str, list[Problem]]:
    """Problems by order key (only keys that have some), including a key used by two drafts; one per cell."""
    problems: dict[str, list[Problem]] = {}
    seen: set[str] = set()
    for draft in drafts:
        found = [*draft.problems, *check_draft(draft, defaults), *_body_problems(draft, defaults)]
        folded = draft.key.casefold()
        if folded in seen:
            reason = "another order in this run has this key"
            found.append(Problem(draft.first_row, columns.ORDER_KEY, draft.key, reason))
        seen.add(folded)
        if found:
            problems.setdefault(draft.key, []).extend(one_per_cell(found))
    return problems


def one_per_cell(problems: Sequence[Problem]) -> list[Problem]:
    """The first problem of each cell (a formula in a cell is not also a wrong value in it); problems
    without a row (the command line's) are told apart by their value as well."""
    first: dict[tuple[int | None, str, str], Problem] = {}
    for problem in problems:
        first.setdefault((problem.row, problem.column, "" if problem.row is not None else problem.value), problem)
    return list(first.values())


def check_draft(draft: OrderDraft, defaults: ImportDefaults) -> list[Problem]:
    """Our own rules, beyond what the import schema states (a positive quantity, a two-letter country)."""
    row = draft.first_row
    problems: list[Problem] = []
    if not draft.key.strip():
        problems.append(Problem(row, columns.ORDER_KEY, draft.key, "every order needs a key"))
    if not draft.customer.value.strip():
        problems.append(Problem(row, columns.CUSTOMER, "", "every order needs a customer (number or id)"))
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
    unreadable = {(problem.row, problem.column) for problem in draft.problems}
    for position in draft.positions:
        problems.extend(_check_position(position, row, unreadable))
    problems.extend(_check_address(draft.billing_address, "billing", row))
    problems.extend(_check_address(draft.shipping_address, "shipping", row))
    return problems


def _check_position(
    position: PositionDraft, order_row: int | None, unreadable: set[tuple[int | None, str]]
) -> list[Problem]:
    """``unreadable``: cells (row, column) already reported as not a number, so not missing too."""
    row = position.row if position.row is not None else order_row
    problems: list[Problem] = []
    if not position.product.value.strip():
        problems.append(Problem(row, columns.PRODUCT, "", "every position needs a product (number or id)"))
    if position.quantity is None:
        if (position.row, columns.QUANTITY) not in unreadable:
            problems.append(Problem(row, columns.QUANTITY, "", "every position needs a quantity"))
    elif not position.quantity > 0:
        problems.append(Problem(row, columns.QUANTITY, str(position.quantity), "must be greater than 0"))
    if position.unit_price is not None and position.unit_price < 0:
        problems.append(Problem(row, columns.UNIT_PRICE, str(position.unit_price), "must not be negative"))
    if position.discount is not None and not 0 <= position.discount <= 100:
        problems.append(Problem(row, columns.DISCOUNT, str(position.discount), "must be a percentage from 0 to 100"))
    return problems


def _check_address(address: Address | None, prefix: str, row: int | None) -> list[Problem]:
    if address is None or re.fullmatch(r"[A-Z]{2}", address.country):
        return []
    return [Problem(row, f"{prefix}_country", address.country, "needs a two-letter country code like DE")]


def _body_problems(draft: OrderDraft, defaults: ImportDefaults) -> list[Problem]:
    """What the official request schema refuses in the body the draft becomes, found before any request."""
    placeholder = ResolvedOrder(
        draft=draft,
        order_date=draft.order_date or datetime.now(XENTRAL_TIMEZONE).date(),
        currency=draft.currency or defaults.currency,
        customer_id=PLACEHOLDER_ID,
        project_id=PLACEHOLDER_ID,
        payment_method_id=PLACEHOLDER_ID,
        shipping_method_id=PLACEHOLDER_ID,
        product_ids=(PLACEHOLDER_ID,) * len(draft.positions),
    )
    body = import_payload(placeholder, auto_shipping=False, discount_mode=defaults.discount_mode)
    return body_problems(draft, body)
