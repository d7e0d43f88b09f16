"""References to ids: customer and product numbers (or ids), project, payment and shipping method
names (or ids). One batched look-up per kind of reference for all orders, never one per order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pipelines.api.client import XentralClient
from pipelines.api.endpoints import CUSTOMERS_PATH, PRODUCTS_PATH
from pipelines.api.timestamps import XENTRAL_TIMEZONE
from pipelines.order_import import columns
from pipelines.order_import.defaults import ImportDefaults
from pipelines.order_import.existing import find_by_values, index_by, list_all
from pipelines.order_import.model import OrderDraft, Problem, Ref, RefKind

NAMED_LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    columns.PROJECT: ("/api/v1/projects", ("id", "name", "keyName")),
    columns.PAYMENT_METHOD: ("/api/v1/paymentMethods", ("id", "designation", "type")),
    columns.SHIPPING_METHOD: ("/api/v1/shippingMethods", ("id", "designation", "type")),
}


@dataclass(frozen=True)
class ResolvedOrder:
    """A draft with every reference turned into the id Xentral needs, and its defaults applied."""

    draft: OrderDraft
    order_date: date
    currency: str
    customer_id: str
    project_id: str
    payment_method_id: str
    shipping_method_id: str
    product_ids: tuple[str, ...]


@dataclass(frozen=True)
class _Records:
    """Customers or products found by number and by id."""

    by_number: dict[str, str]
    ids: frozenset[str]

    def find(self, ref: Ref) -> str | None:
        value = ref.value.strip()
        if ref.kind is not RefKind.ID and value.casefold() in self.by_number:
            return self.by_number[value.casefold()]
        if ref.kind is not RefKind.NUMBER and value in self.ids:
            return value
        return None


def resolve_orders(
    drafts: Sequence[OrderDraft], client: XentralClient, defaults: ImportDefaults
) -> tuple[list[ResolvedOrder], dict[str, list[Problem]]]:
    """The drafts whose references all resolve, and the problems of those that do not (by key)."""
    if not drafts:
        return [], {}
    customers = _records(client, CUSTOMERS_PATH, [draft.customer for draft in drafts])
    products = _records(client, PRODUCTS_PATH, [p.product for draft in drafts for p in draft.positions])
    named = {column: _named(client, path, fields) for column, (path, fields) in NAMED_LISTS.items()}
    today = datetime.now(XENTRAL_TIMEZONE).date()
    resolved: list[ResolvedOrder] = []
    problems: dict[str, list[Problem]] = {}
    for draft in drafts:
        found, order_problems = _resolve_one(draft, customers, products, named, defaults, today)
        if order_problems:
            problems[draft.key] = order_problems
        elif found is not None:
            resolved.append(found)
    return resolved, problems


def _resolve_one(
    draft: OrderDraft,
    customers: _Records,
    products: _Records,
    named: dict[str, dict[str, str]],
    defaults: ImportDefaults,
    today: date,
) -> tuple[ResolvedOrder | None, list[Problem]]:
    row = draft.first_row
    problems: list[Problem] = []

    def need(found: str | None, column: str, value: str, what: str, at: int | None = row) -> str:
        if found is None:
            problems.append(Problem(at, column, value, f"no {what} {value!r} in Xentral"))
        return found or ""

    customer_id = need(customers.find(draft.customer), _ref_column(columns.CUSTOMER, draft.customer),
                       draft.customer.value, "customer with number or id")
    ids = {}
    chosen = {
        columns.PROJECT: draft.project or defaults.project or "",
        columns.PAYMENT_METHOD: draft.payment_method or defaults.payment_method or "",
        columns.SHIPPING_METHOD: draft.shipping_method or defaults.shipping_method or "",
    }
    for column, value in chosen.items():
        what = column.replace("_", " ") + " named or with id"
        ids[column] = need(named[column].get(value.strip().casefold()), column, value, what)
    product_ids = tuple(
        need(products.find(p.product), _ref_column(columns.PRODUCT, p.product), p.product.value,
             "product with number or id", p.row if p.row is not None else row)
        for p in draft.positions
    )
    if problems:
        return None, problems
    return ResolvedOrder(
        draft=draft,
        order_date=draft.order_date or today,
        currency=draft.currency or defaults.currency,
        customer_id=customer_id,
        project_id=ids[columns.PROJECT],
        payment_method_id=ids[columns.PAYMENT_METHOD],
        shipping_method_id=ids[columns.SHIPPING_METHOD],
        product_ids=product_ids,
    ), []


def _ref_column(base: str, ref: Ref) -> str:
    return base if ref.kind is RefKind.AUTO else f"{base}_{ref.kind.value}"


def _records(client: XentralClient, path: str, refs: Iterable[Ref]) -> _Records:
    refs = [Ref(ref.value.strip(), ref.kind) for ref in refs if ref.value.strip()]
    numbers = [ref.value for ref in refs if ref.kind is not RefKind.ID]
    by_number = index_by(find_by_values(client, path, "number", numbers), _field("number"))
    candidate_ids = [
        ref.value for ref in refs
        if ref.value.isdigit() and (ref.kind is RefKind.ID or (ref.kind is RefKind.AUTO
                                                                and ref.value.casefold() not in by_number))
    ]
    ids = frozenset(str(item.get("id")) for item in find_by_values(client, path, "id", candidate_ids))
    return _Records(by_number, ids)


def _named(client: XentralClient, path: str, fields: tuple[str, ...]) -> dict[str, str]:
    """casefolded id, name or key -> id; an id wins over a name that looks like one."""
    items = list_all(client, path)
    index: dict[str, str] = {}
    for name in reversed(fields):
        index.update(index_by(items, _field(name)))
    return index


def _field(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda item: item.get(name)
