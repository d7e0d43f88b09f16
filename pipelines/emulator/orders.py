"""The sales orders of a world: the seeded ones, computed on demand, and the changed or created
ones, kept whole (`OrderBook`); their changes (`Orders`). A row is an order's place: seeded order
i is row i, created orders follow."""
from __future__ import annotations

import copy
import functools
import random
from array import array
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from . import data
from .clock import berlin_day, parse_instant
from .masterdata import MasterData
from .money import cents, with_totals
from .records import canonical, record_id
from .seeded_orders import SeededOrders

SEEDED_RECORDS_KEPT = 4096  # recently read seeded orders, so a filter or a page reads each once


class OrderBook:
    """Rows of orders with their ids, instants and liveness; records by row.

    Records are shared: treat what `record` returns as read-only and `replace` a changed copy.
    """

    def __init__(self, seeded: SeededOrders) -> None:
        self._seeded = seeded
        self._seeded_record = functools.lru_cache(maxsize=SEEDED_RECORDS_KEPT)(seeded.record)
        self.ids = array("q", seeded.ids)
        self.created = array("q", seeded.created)
        self.updated = array("q", seeded.updated)
        self.alive = bytearray(b"\x01") * seeded.count
        self._kept: dict[int, dict] = {}  # row -> record of a changed or created order
        self._created_rows: dict[int, int] = {}  # id -> row of a created order (seeded ids are sorted)
        self.next_document = data.FIRST_DOCUMENT_NUMBER + seeded.count

    def __len__(self) -> int:
        return len(self.ids)

    def row_of(self, order_id: int) -> int | None:
        """The row of an id, alive or deleted; None for an id never used."""
        row = self._created_rows.get(order_id)
        if row is not None:
            return row
        seeded_ids = self._seeded.ids
        row = bisect_left(seeded_ids, order_id)
        return row if row < len(seeded_ids) and seeded_ids[row] == order_id else None

    def alive_row(self, order_id: int) -> int | None:
        row = self.row_of(order_id)
        return row if row is not None and self.alive[row] else None

    def alive_rows(self) -> list[int]:
        return [row for row, alive in enumerate(self.alive) if alive]

    def record(self, row: int) -> dict:
        kept = self._kept.get(row)
        return kept if kept is not None else self._seeded_record(row)

    def header(self, row: int) -> dict:
        """The record, but a seeded one without its positions (cheaper: what list items need)."""
        kept = self._kept.get(row)
        return kept if kept is not None else self._seeded.record(row, positions=False)

    def add(self, record: dict) -> int:
        row = len(self.ids)
        self.ids.append(record["id"])
        self.created.append(record["createdAt"])
        self.updated.append(record["updatedAt"])
        self.alive.append(1)
        self._created_rows[record["id"]] = row
        self._kept[row] = record
        self.next_document = max(self.next_document, int(record["documentNumber"]) + 1)
        return row

    def replace(self, row: int, record: dict) -> None:
        self._kept[row] = record
        self.updated[row] = record["updatedAt"]

    def delete(self, row: int) -> None:
        self.alive[row] = 0


ORDER_FIELDS = {
    "status": "status", "comment": "comment", "external_order_number": "externalOrderNumber",
    "external_order_id": "externalOrderId", "customer_order_number": "customerOrderNumber",
    "transaction_number": "transactionNumber", "customer_id": "customerId", "project_id": "projectId",
    "payment_method_id": "paymentMethodId", "shipping_method_id": "shippingMethodId", "currency": "currency",
    "billing_address": "billingAddress", "shipping_address": "shippingAddress", "date": "date",
    "auto_shipping": "autoShipping",
}
ORDER_FIELDS.update({camel: camel for camel in list(ORDER_FIELDS.values())})
REFERENCES = ("customerId", "projectId", "paymentMethodId", "shippingMethodId")
VAT_CATEGORIES = {"normal": 19, "reduced": 7, "exempt": 0}


class Orders:
    """The sales orders of a world and their changes (stamped with `now()`, epoch seconds)."""

    def __init__(self, seed: int, count: int, master: MasterData, now: Callable[[], int],
                 discount_scale: Callable[[], int]) -> None:
        self.book = OrderBook(SeededOrders(seed, count, master.catalog()))
        self._master = master
        self._now = now
        self._discount_scale = discount_scale  # basis points per unit of a given discount
        self._rng = random.Random(f"{seed}:world")
        self._next_id = max(self.book.ids, default=0) + 1

    def row(self, order_id: str | int) -> int:
        """The row of a live order; KeyError otherwise."""
        row = self.book.alive_row(record_id(order_id))
        if row is None:
            raise KeyError(f"sales order {order_id} does not exist")
        return row

    def ids(self) -> list[int]:
        return sorted(self.book.ids[row] for row in self.book.alive_rows())

    def find(self, external_order_number: str) -> list[str]:
        """Ids of live orders carrying an external order number (case-insensitive)."""
        wanted = external_order_number.casefold()
        return [str(self.book.ids[row]) for row in self.book.alive_rows()
                if self.book.header(row)["externalOrderNumber"].casefold() == wanted]

    def position(self, spec: dict, currency: str, order_id: int, index: int) -> dict:
        """An internal position from `{"product": {"id"}, "quantity", "price": {"amount"}, "discount",
        "tax": {"vatCategory"}}` (import form) or `{"product_id", "quantity", "price"}` (Python form)."""
        product = self._master.product(spec.get("product_id") or (spec.get("product") or {}).get("id"))
        price = spec.get("price")
        if isinstance(price, dict):
            price = price.get("amount")
        price_cents = (cents(price) if price is not None
                       else int(round(product["netCents"] * data.EUR_RATE.get(currency, 1.0))))
        rate = VAT_CATEGORIES.get((spec.get("tax") or {}).get("vatCategory"), product["taxRate"])
        return {"id": order_id * data.POSITION_ID_FACTOR + index + 1, "productId": product["id"],
                "quantity": float(spec.get("quantity", 1)), "price": price_cents,
                "discount": int(round(float(spec.get("discount") or 0) * self._discount_scale())), "taxRate": rate,
                "comment": spec.get("comment", ""), "webId": spec.get("webId", ""), "parent": None}

    def create(self, order_id: int | None = None, customer_id: Any = None, positions: list[dict] | None = None,
               status: str = "created", **fields: Any) -> str:
        """Create an order; a random live customer and 1 to 3 random positions unless given."""
        customer = (self._master.customer(customer_id) if customer_id is not None
                    else self._rng.choice([self._master.customers.records[row]
                                           for row in self._master.customers.alive_rows()]))
        order_id = order_id or self._next_id
        self._next_id = max(self._next_id, order_id + 1)
        fields = self._fields({**fields, "status": status})
        currency = fields.pop("currency", "EUR")
        if positions is None:
            goods = [i for i in self._master.products.alive_ids()
                     if not self._master.product(i)["isShippingCostsProduct"]]
            positions = [{"product_id": self._rng.choice(goods), "quantity": self._rng.randint(1, 3)}
                         for _ in range(self._rng.randint(1, 3))]
        now = self._now()
        record = {
            "id": order_id, "documentNumber": str(self.book.next_document), "status": status,
            "date": berlin_day(now), "createdAt": now, "updatedAt": now,
            "customerId": customer["id"], "projectId": customer["projectId"],
            "paymentMethodId": customer["paymentMethodId"], "shippingMethodId": customer["shippingMethodId"],
            "currency": currency, "externalOrderNumber": "", "externalOrderId": "", "transactionNumber": "",
            "customerOrderNumber": "", "comment": "", "editor": "API", "autoShipping": True,
            "billingAddress": None, "shippingAddress": None, "shippingCosts": [],
            "positions": [self.position(p, currency, order_id, k) for k, p in enumerate(positions)],
        }
        record.update(fields)
        self.book.add(_with_totals(record))
        return str(order_id)

    def update(self, order_id: str | int, **changes: Any) -> None:
        """Change fields, `positions` (all of them) or `position_quantities` ({position id: quantity});
        updatedAt becomes the world time."""
        row = self.row(order_id)
        record = copy.deepcopy(self.book.record(row))
        quantities = changes.pop("position_quantities", None)
        positions = changes.pop("positions", None)
        record.update(self._fields(changes))
        if positions is not None:
            record["positions"] = [self.position(p, record["currency"], record["id"], k)
                                   for k, p in enumerate(positions)]
        for position_id, quantity in (quantities or {}).items():
            match = [p for p in record["positions"] if str(p["id"]) == str(position_id)]
            if not match:
                raise KeyError(f"position {position_id} is not in order {order_id}")
            match[0]["quantity"] = float(quantity)
        record["updatedAt"] = max(self._now(), record["createdAt"])
        self.book.replace(row, _with_totals(record))

    def delete(self, order_id: str | int) -> None:
        self.book.delete(self.row(order_id))

    @staticmethod
    def _fields(changes: dict[str, Any]) -> dict[str, Any]:
        """Checked record fields from keyword changes (ids as numbers, the date as a day)."""
        fields = canonical(changes, ORDER_FIELDS, "order")
        if "status" in fields and fields["status"] not in data.STATUSES:
            raise ValueError(f"unknown status {fields['status']!r}")
        for key in REFERENCES:
            if key in fields:
                fields[key] = int(fields[key])
        if "date" in fields:
            fields["date"] = berlin_day(parse_instant(str(fields["date"])))
        return fields


def _with_totals(record: dict) -> dict:
    with_totals(record["positions"])
    record["net"] = sum(p["net"] for p in record["positions"])
    record["tax"] = sum(p["tax"] for p in record["positions"])
    return record
