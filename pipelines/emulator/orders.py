"""Sales orders: seeded columns, an overlay of changed or new orders, rendering caches."""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from . import data
from .render import OrderRenderer
from .resources import ORDER_ITEM_EXTRACT, ORDER_KINDS
from .table import DAY, INT, STR, TIME, Table

CACHE_LIMIT = 50_000
EAGER_KINDS = {"id": INT, "createdAt": TIME, "updatedAt": TIME, "orderDate": DAY, "status": STR,
               "customerId": INT, "project": INT, "paymentMethod": INT, "shippingMethod": INT,
               "documentNumberSort": INT}
SORT_COLUMNS = {"id": "id", "documentNumber": "documentNumberSort"}
# Filter columns of seeded orders that are read from the customer record.
CUSTOMER_DERIVED = ("customerNumber", "customerOrderNumber", "email", "zipCode", "country", "phoneNumber", "gln",
                    "shippingEmail", "shippingZip", "shippingCountry", "shippingGln")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def totals(positions: list[dict]) -> None:
    """Fill net and tax (cents) of positions in place, with the rounding of the seeded data."""
    if not positions:
        return
    net = data.net_cents(np.array([p["price"] for p in positions], dtype=np.int64),
                         np.array([p["quantity"] for p in positions], dtype=np.float64),
                         np.array([p["discount"] for p in positions], dtype=np.int64))
    tax = data.tax_cents(net, np.array([p["taxRate"] for p in positions], dtype=np.int64))
    for p, n, t in zip(positions, net.tolist(), tax.tolist()):
        p["net"], p["tax"] = n, t


def eager_columns(record: dict) -> dict[str, Any]:
    return {"id": record["id"], "createdAt": record["createdAt"], "updatedAt": record["updatedAt"],
            "orderDate": record["date"], "status": record["status"], "customerId": record["customerId"],
            "project": record["projectId"], "paymentMethod": record["paymentMethodId"],
            "shippingMethod": record["shippingMethodId"], "documentNumberSort": int(record["documentNumber"])}


class OrderStore:
    """Row i of the table is seeded order i while i < n_seeded; later rows were created."""

    def __init__(self, seeded: data.SeededOrders, renderer: OrderRenderer,
                 is_company: Callable[[int], bool], cache_key: Callable[[], tuple]) -> None:
        s = self._s = seeded
        self.n_seeded = len(s.ids)
        self._renderer = renderer
        self._is_company = is_company
        self._cache_key = cache_key  # changes when anything outside an order alters its rendering
        self._overlay: dict[int, dict] = {}
        self._versions: dict[int, int] = {}
        self._list_cache: dict[int, tuple[tuple, str]] = {}
        self._view_cache: dict[int, tuple[tuple, str]] = {}
        statuses = np.array(data.STATUSES, dtype=object)
        columns = {"id": s.ids, "createdAt": s.created, "updatedAt": s.updated, "orderDate": s.day,
                   "status": statuses[s.status], "customerId": s.customer, "project": s.project,
                   "paymentMethod": s.payment, "shippingMethod": s.shipping, "documentNumberSort": s.document}
        lazy = {key: partial(self._materialize, key) for key in ORDER_KINDS if key not in columns}
        self.table = Table({**ORDER_KINDS, **EAGER_KINDS}, columns, lazy)
        self.next_document = int(s.document[-1]) + 1 if self.n_seeded else data.FIRST_DOCUMENT_NUMBER

    # ---- records -----------------------------------------------------------------------

    def record(self, row: int, positions: bool = True) -> dict:
        """The order's record; seeded ones skip building positions unless asked (lists need none)."""
        found = self._overlay.get(row)
        if found is not None:
            return found
        record = self._seeded_record(row)
        if positions:
            record["positions"] = self._seeded_positions(row, record["id"])
        return record

    def _seeded_positions(self, row: int, order_id: int) -> list[dict]:
        s = self._s
        start, end = int(s.pos_offsets[row]), int(s.pos_offsets[row + 1])
        price, quantity, discount, rate = (s.pos_price[start:end], s.pos_quantity[start:end],
                                           s.pos_discount[start:end], s.pos_tax_rate[start:end])
        net = data.net_cents(price, quantity, discount)
        tax = data.tax_cents(net, rate)
        first_id = order_id * data.POSITION_ID_FACTOR
        return [{"id": first_id + k + 1, "productId": product, "quantity": qty, "price": p, "discount": d,
                 "taxRate": r, "net": n, "tax": t, "parent": first_id + parent if parent else None}
                for k, (product, qty, p, d, r, n, t, parent) in enumerate(zip(
                    s.pos_product[start:end].tolist(), quantity.tolist(), price.tolist(), discount.tolist(),
                    rate.tolist(), net.tolist(), tax.tolist(), s.pos_parent[start:end].tolist()))]

    def _seeded_record(self, row: int) -> dict:
        (order_id, created, updated, status, customer, project, payment, shipping, currency, document, day, net,
         tax, shipping_cost) = self._s.row(row)
        return {
            "id": order_id, "documentNumber": str(document), "status": data.STATUSES[status], "date": day,
            "createdAt": created, "updatedAt": updated, "customerId": customer, "projectId": project,
            "paymentMethodId": payment, "shippingMethodId": shipping, "currency": data.CURRENCIES[currency],
            "externalOrderNumber": data.external_order_number(order_id, project),
            "externalOrderId": data.external_order_id(order_id, project),
            "transactionNumber": data.transaction_number(order_id, payment),
            "customerOrderNumber": data.customer_order_number(order_id, self._is_company(customer)),
            "comment": data.comment(order_id),
            "editor": "Shopware" if project in data.SHOP_PROJECTS else "Administrator",
            "autoShipping": True, "billingAddress": None, "shippingAddress": None, "net": net, "tax": tax,
            "shippingCosts": [{"productId": self._s.shipping_product, "quantity": 1, "price": shipping_cost,
                               "taxRate": 19}] if shipping_cost else [],
        }

    def _materialize(self, key: str) -> list:
        """Build a filter column on first use: seeded formulas where cheap, else rendered items."""
        s, n = self._s, self.n_seeded
        if key == "documentNumber":
            values = s.document.astype(str).tolist()
        elif key == "externalOrderNumber":
            values = [data.external_order_number(i, p) for i, p in zip(s.ids.tolist(), s.project.tolist())]
        elif key == "externalOrderId":
            values = [data.external_order_id(i, p) for i, p in zip(s.ids.tolist(), s.project.tolist())]
        else:
            values = [self._extract(key, row) for row in range(n)]
        values.extend([None] * (self.table.n - n))
        for row in self._overlay:
            values[row] = self._extract(key, row)
        return values

    def _extract(self, key: str, row: int) -> Any:
        record = self.record(row, positions=False)
        if key in record:
            return record[key]
        return ORDER_ITEM_EXTRACT[key](json.loads(self._renderer.list_item(record)))

    # ---- changes -----------------------------------------------------------------------

    def version(self, row: int) -> int:
        return self._versions.get(row, 0)

    def replace(self, row: int, record: dict) -> None:
        self._overlay[row] = record
        self._versions[row] = self.version(row) + 1
        self._update_columns(row)

    def _update_columns(self, row: int) -> None:
        record = self._overlay[row]
        for key, value in eager_columns(record).items():
            self.table.set(row, key, value)
        for key in ORDER_KINDS:
            if key not in EAGER_KINDS and self.table.is_built(key):
                self.table.set(row, key, self._extract(key, row))

    def add(self, record: dict) -> int:
        row = self.table.append(eager_columns(record))
        self._overlay[row] = record
        self._update_columns(row)
        self.next_document = max(self.next_document, int(record["documentNumber"]) + 1)
        return row

    def delete(self, row: int) -> None:
        self.table.set(row, "alive", False)

    def customer_changed(self) -> None:
        self.table.forget(CUSTOMER_DERIVED)

    # ---- rendering ---------------------------------------------------------------------

    def _cached(self, cache: dict, row: int, render: Callable[[dict], str], positions: bool) -> str:
        key = (self.version(row), *self._cache_key())
        hit = cache.get(row)
        if hit is not None and hit[0] == key:
            return hit[1]
        text = render(self.record(row, positions))
        if len(cache) >= CACHE_LIMIT:
            del cache[next(iter(cache))]
        cache[row] = (key, text)
        return text

    def list_item_json(self, row: int) -> str:
        return self._cached(self._list_cache, row, self._renderer.list_item, positions=False)

    def view_json(self, row: int) -> str:
        return self._cached(self._view_cache, row, self._renderer.view, positions=True)
