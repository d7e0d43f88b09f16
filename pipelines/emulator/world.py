"""The emulated instance: seeded data, the world clock, mutations and list/view answers.

Every public method takes the world lock, so HTTP threads and test code can share it.
"""
from __future__ import annotations

import copy
import functools
import json
import random
import threading
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import data, render
from .addresses import checked_addresses
from .clock import Clock, berlin_day, parse_instant
from .filtering import STR, Filter, ordered, select
from .money import cents, with_totals
from .orders import OrderBook
from .query import ListQuery, encode_cursor
from .records import RecordSet
from .resources import (
    CUSTOMER_EXTRACT,
    CUSTOMER_KINDS,
    CUSTOMERS,
    ORDER_SORT_KINDS,
    ORDER_VALUES,
    PAYMENT_EXTRACT,
    PAYMENT_METHODS,
    PRODUCT_EXTRACT,
    PRODUCT_KINDS,
    PRODUCTS,
    PROJECT_EXTRACT,
    PROJECTS,
    SALES_ORDERS,
    SHIPPING_METHODS,
    SORT_COLUMNS,
)
from .seeded_orders import Catalog, Good, SeededOrders
from .settings import EmulatorSettings

ORDER_FIELD_ALIASES = {
    "status": "status", "comment": "comment", "external_order_number": "externalOrderNumber",
    "external_order_id": "externalOrderId", "customer_order_number": "customerOrderNumber",
    "transaction_number": "transactionNumber", "customer_id": "customerId", "project_id": "projectId",
    "payment_method_id": "paymentMethodId", "shipping_method_id": "shippingMethodId", "currency": "currency",
    "billing_address": "billingAddress", "shipping_address": "shippingAddress", "date": "date",
    "auto_shipping": "autoShipping",
}
ORDER_FIELD_ALIASES.update({camel: camel for camel in list(ORDER_FIELD_ALIASES.values())})
PRODUCT_FIELDS = {"name": "name", "number": "number", "description": "description", "ean": "ean",
                  "project_id": "projectId", "stock": "stock", "is_stock_item": "isStockItem",
                  "is_disabled": "isDisabled", "manufacturer_name": "manufacturerName", "tax_rate": "taxRate"}
CUSTOMER_FIELDS = {"name": "name", "email": "email", "firstname": "firstname", "lastname": "lastname",
                   "phone": "phone", "customer_type": "customerType", "project_id": "projectId",
                   "payment_method_id": "paymentMethodId", "shipping_method_id": "shippingMethodId",
                   "is_lead": "isLead", "contact_person": "contactPerson", "vat_id": "vatId",
                   "addresses": "addresses"}
ORDER_COLUMNS = ("createdAt", "updatedAt")  # order filter keys read from the book's columns, not the record
SELECTION_CACHE = 8  # recent (list, filters, order) results, each a list of rows


def _locked(method: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(self: World, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)
    return wrapper


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _canonical(changes: dict[str, Any], aliases: dict[str, str], what: str) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(aliases))
    if unknown:
        raise ValueError(f"unknown {what} field(s): {', '.join(unknown)}")
    return {aliases[k]: v for k, v in changes.items()}


def _body(rows: list[int], item_json: Callable[[int], str], extra: dict) -> str:
    return '{"data":[' + ",".join(item_json(r) for r in rows) + '],"extra":' + dumps(extra) + "}"


@dataclass(frozen=True)
class Listing:
    """How one list endpoint reads its rows."""

    kinds: dict[str, str]  # filter and sort keys -> kind
    rows: Callable[[], list[int]]  # the live rows
    value: Callable[[str, int], Any]  # a row's value of a key
    row_id: Callable[[int], int]
    item_json: Callable[[int], str]


class World:
    """Data plus clock of one emulated Xentral instance."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.lock = threading.RLock()
        self.clock = Clock(datetime.fromisoformat(settings.clock_start) if settings.clock_start else None)
        self._rng = random.Random(f"{settings.seed}:world")
        self._version = 0  # counts changes; cached selections are valid for one version
        self._selections: dict[tuple, list[int]] = {}
        project_records = data.projects(2 + settings.seed % 3)
        self.payment_methods = RecordSet(data.payment_methods())
        self.shipping_methods = RecordSet(data.shipping_methods())
        self.projects = RecordSet(project_records)
        self.customers = RecordSet(data.customers(settings.seed, settings.customers, len(project_records)))
        self.products = RecordSet(data.products(settings.seed, settings.products, len(project_records)))
        self.orders = OrderBook(SeededOrders(settings.seed, settings.orders, self._catalog()))
        self._next_order_id = max(self.orders.ids, default=0) + 1
        self._renderer = render.OrderRenderer(self._customer_any, self._product_any, self._discount_scale,
                                              self._shipping_in_net_sales)
        self._renderer.warm([c["id"] for c in self.customers.records])
        self._listings = {
            SALES_ORDERS.operation: Listing(ORDER_SORT_KINDS, self.orders.alive_rows, self._order_value,
                                            self.orders.ids.__getitem__, self._order_list_json),
            PRODUCTS.operation: self._record_listing(self.products, PRODUCT_KINDS, self._product_value,
                                                     lambda row: dumps(self._product_item(row))),
            CUSTOMERS.operation: self._record_listing(
                self.customers, CUSTOMER_KINDS, self._item_value(self.customers, CUSTOMER_EXTRACT, lambda c: c),
                lambda row: dumps(render.customer_list_item(self.customers.records[row]))),
            PROJECTS.operation: self._record_listing(
                self.projects, PROJECTS.kinds, self._item_value(self.projects, PROJECT_EXTRACT, self._project_item),
                lambda row: dumps(self._project_item(self.projects.records[row]))),
            PAYMENT_METHODS.operation: self._record_listing(
                self.payment_methods, PAYMENT_METHODS.kinds,
                self._item_value(self.payment_methods, PAYMENT_EXTRACT, render.payment_method_item),
                lambda row: dumps(render.payment_method_item(self.payment_methods.records[row]))),
            SHIPPING_METHODS.operation: self._record_listing(
                self.shipping_methods, {}, lambda key, row: None,
                lambda row: dumps(render.shipping_method_item(self.shipping_methods.records[row]))),
        }

    def _catalog(self) -> Catalog:
        products = self.products.records
        return Catalog(
            customers=tuple((c["id"], c["customerType"] == "company") for c in self.customers.records),
            goods=tuple(Good(p["id"], p["netCents"], p["taxRate"]) for p in products
                        if not p["isShippingCostsProduct"]),
            shipping_product=next((p["id"] for p in products if p["isShippingCostsProduct"]), 0),
            project_count=len(self.projects.records))

    @staticmethod
    def _record_listing(records: RecordSet, kinds: dict[str, str], value: Callable[[str, int], Any],
                        item_json: Callable[[int], str]) -> Listing:
        return Listing({**kinds, "id": "int"}, records.alive_rows, value,
                       lambda row: records.records[row]["id"], item_json)

    @staticmethod
    def _item_value(records: RecordSet, extract: dict, item: Callable[[dict], dict]) -> Callable[[str, int], Any]:
        """Reads a key from a record's item (rendered, for reference data: they are few and small);
        keys it has no data for are null."""
        return lambda key, row: extract[key](item(records.records[row])) if key in extract else None

    # ---- lookups used by rendering -----------------------------------------------------

    def _customer_any(self, customer_id: int) -> dict:
        return self.customers.get(customer_id, include_deleted=True)

    def _product_any(self, product_id: int) -> dict:
        return self.products.get(product_id, include_deleted=True)

    def _discount_scale(self) -> int:
        return 10000 if self.settings.discount_mode == "fraction" else 100

    def _shipping_in_net_sales(self) -> bool:
        return self.settings.net_sales_shipping == "included"

    def _project_name(self, project_id: int) -> str:
        project = self.projects.get(project_id, include_deleted=True)
        return project["name"] if project else ""

    def _project_item(self, project: dict) -> dict:
        return render.project_item(project, self.payment_methods.records[0], self.shipping_methods.records[0])

    def _product_value(self, key: str, row: int) -> Any:
        product = self.products.records[row]
        read = PRODUCT_EXTRACT.get(key)
        return read(product, self._project_name(product["projectId"])) if read else None

    def _product_item(self, row: int) -> dict:
        product = self.products.records[row]
        return render.product_list_item(product, self._project_name(product["projectId"]))

    def _order_value(self, key: str, row: int) -> Any:
        if key == "id":
            return self.orders.ids[row]
        if key in ORDER_COLUMNS:
            return (self.orders.created if key == "createdAt" else self.orders.updated)[row]
        read = ORDER_VALUES.get(key)
        if read is None:
            return None
        record = self.orders.record(row)
        return read(record, self._customer_any(record["customerId"]))

    def _order_list_json(self, row: int) -> str:
        return self._renderer.list_item(self.orders.record(row))

    # ---- clock -------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def now_epoch(self) -> int:
        return int(self.clock.timestamp())

    def set_clock(self, dt: datetime) -> None:
        self.clock.set(dt)

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def freeze_clock(self, dt: datetime | None = None) -> None:
        self.clock.freeze(dt)

    def unfreeze_clock(self) -> None:
        self.clock.unfreeze()

    # ---- listing (used by the server) --------------------------------------------------

    @_locked
    def list_body(self, operation: str, query: ListQuery) -> str:
        """The complete JSON body of a list answer."""
        listing = self._listings[operation]
        rows = self._select(operation, query)
        if query.by_cursor:
            return self._cursor_body(listing, rows, query)
        start = (query.number - 1) * query.size
        extra = {"totalCount": len(rows), "page": {"number": query.number, "size": query.size}}
        return _body(rows[start:start + query.size], listing.item_json, extra)

    def _cursor_body(self, listing: Listing, rows: list[int], query: ListQuery) -> str:
        descending = bool(query.order and query.order[0][1])
        start = 0
        if query.cursor_after:
            key = (lambda row: -listing.row_id(row)) if descending else listing.row_id
            start = bisect_right(rows, -query.cursor_after if descending else query.cursor_after, key=key)
        page = rows[start:start + query.size]
        extra: dict[str, Any] = {"totalCount": len(rows)}
        if start + query.size < len(rows):
            extra["cursor"] = {"nextCursor": encode_cursor(listing.row_id(page[-1])), "size": query.size}
        elif self.settings.customer_cursor_end == "empty":
            extra["cursor"] = {"nextCursor": "", "size": query.size}
        return _body(page, listing.item_json, extra)

    def _select(self, operation: str, query: ListQuery) -> list[int]:
        key = (operation, self._version, query.filters, query.order)
        cached = self._selections.get(key)
        if cached is not None:
            return cached
        listing = self._listings[operation]
        filters = [Filter(f.key, "contains", f.values) if f.key == "search" and f.op in ("equals", "is") else f
                   for f in query.filters]
        rows = select(listing.rows(), filters, listing.kinds, listing.value)
        columns = SORT_COLUMNS if operation == SALES_ORDERS.operation else {}
        order = [(columns.get(name, name), descending) for name, descending in query.order]
        rows = ordered(rows, order, listing.kinds, listing.value, listing.row_id)
        if len(self._selections) >= SELECTION_CACHE:
            self._selections.clear()
        self._selections[key] = rows
        return rows

    def _changed(self) -> None:
        self._version += 1

    @_locked
    def churn(self, operation: str, query: ListQuery, rng: random.Random) -> None:
        """Shift offset paging: delete a row before the requested page, or insert one there."""
        listing = self._listings[operation]
        rows = self._select(operation, query)
        before = rows[: min(len(rows), (query.number - 1) * query.size)]
        if not before:
            return
        if operation == SALES_ORDERS.operation and rng.random() < 0.5 and self._insert_before(before, query):
            return
        victim = listing.row_id(before[rng.randrange(len(before))])
        {SALES_ORDERS.operation: self.delete_order, PRODUCTS.operation: self.delete_product,
         CUSTOMERS.operation: self.delete_customer}.get(operation, lambda _id: None)(str(victim))

    def _insert_before(self, before: list[int], query: ListQuery) -> bool:
        if query.order and query.order[0] == ("id", True):
            self.create_order()  # newest first: a new order lands on page one
            return True
        ids = sorted(self.orders.ids[row] for row in before)
        for low, high in zip(ids, ids[1:]):
            if high - low > 1 and self.orders.row_of(low + 1) is None:
                self._add_order(self._new_order_record(order_id=low + 1))
                return True
        return False

    # ---- views -------------------------------------------------------------------------

    @_locked
    def view_json(self, operation: str, record_id: str) -> str | None:
        """`data` of a single-resource answer as JSON, or None when the id is unknown."""
        if operation == "salesOrder.view":
            row = self.orders.alive_row(self._int(record_id))
            return None if row is None else self._renderer.view(self.orders.record(row))
        if operation == "product.viewV2":
            product = self.products.get(self._int(record_id))
            return None if product is None else dumps(
                render.product_view(product, self._project_name(product["projectId"])))
        customer = self.customers.get(self._int(record_id))
        return None if customer is None else dumps(render.customer_view(customer))

    @_locked
    def address_page(self, customer_id: str, query: ListQuery) -> tuple[list[dict], int] | None:
        """One page of a customer's addresses (filtered on type) and how many match in all;
        None when the customer does not exist."""
        customer = self.customers.get(self._int(customer_id))
        if customer is None:
            return None
        addresses = customer["addresses"]
        rows = select(range(len(addresses)), query.filters, {"type": STR}, lambda key, row: addresses[row][key])
        matching = [render.customer_address(addresses[row]) for row in rows]
        start = (query.number - 1) * query.size
        return matching[start:start + query.size], len(matching)

    @staticmethod
    def _int(value: str | int) -> int:
        """An id from the API's digit-string form; -1 (no such record) for anything else."""
        text = str(value)
        return int(text) if text.isascii() and text.isdigit() else -1

    # ---- truth accessors ---------------------------------------------------------------

    @_locked
    def order_ids(self) -> list[str]:
        return [str(i) for i in sorted(self.orders.ids[row] for row in self.orders.alive_rows())]

    @_locked
    def order_count(self) -> int:
        return sum(self.orders.alive)

    def _order_row(self, order_id: str | int) -> int:
        row = self.orders.alive_row(self._int(order_id))
        if row is None:
            raise KeyError(f"sales order {order_id} does not exist")
        return row

    @_locked
    def order_view(self, order_id: str | int) -> dict:
        return json.loads(self._renderer.view(self.orders.record(self._order_row(order_id))))

    @_locked
    def order_list_item(self, order_id: str | int) -> dict:
        return json.loads(self._order_list_json(self._order_row(order_id)))

    @_locked
    def product_ids(self) -> list[str]:
        return [str(i) for i in self.products.alive_ids()]

    def _product(self, product_id: str | int) -> dict:
        product = self.products.get(self._int(product_id))
        if product is None:
            raise KeyError(f"product {product_id} does not exist")
        return product

    @_locked
    def product_list_item(self, product_id: str | int) -> dict:
        return json.loads(dumps(self._product_item(self.products.row_of(self._product(product_id)["id"]))))

    @_locked
    def product_view(self, product_id: str | int) -> dict:
        return json.loads(self.view_json("product.viewV2", str(self._product(product_id)["id"])))

    @_locked
    def customer_ids(self) -> list[str]:
        return [str(i) for i in self.customers.alive_ids()]

    def _customer(self, customer_id: str | int) -> dict:
        customer = self.customers.get(self._int(customer_id))
        if customer is None:
            raise KeyError(f"customer {customer_id} does not exist")
        return customer

    @_locked
    def customer_list_item(self, customer_id: str | int) -> dict:
        return json.loads(dumps(render.customer_list_item(self._customer(customer_id))))

    @_locked
    def customer_view(self, customer_id: str | int) -> dict:
        return json.loads(dumps(render.customer_view(self._customer(customer_id))))

    @_locked
    def customer_addresses(self, customer_id: str | int) -> list[dict]:
        """Every address the address list serves for the customer, all pages, in order."""
        return [render.customer_address(a) for a in self._customer(customer_id)["addresses"]]

    @_locked
    def project_ids(self) -> list[str]:
        return [str(i) for i in self.projects.alive_ids()]

    @_locked
    def payment_method_ids(self) -> list[str]:
        return [str(i) for i in self.payment_methods.alive_ids()]

    @_locked
    def shipping_method_ids(self) -> list[str]:
        return [str(i) for i in self.shipping_methods.alive_ids()]

    @_locked
    def find_orders(self, external_order_number: str) -> list[str]:
        """Ids of live orders carrying an external order number (case-insensitive)."""
        wanted = external_order_number.casefold()
        return [str(self.orders.ids[row]) for row in self.orders.alive_rows()
                if self.orders.record(row)["externalOrderNumber"].casefold() == wanted]

    # ---- orders: changes ---------------------------------------------------------------

    def position(self, spec: dict, currency: str, order_id: int, index: int) -> dict:
        """An internal position from `{"product": {"id"}, "quantity", "price": {"amount"}, "discount",
        "tax": {"vatCategory"}}` (import form) or `{"product_id", "quantity", "price"}` (Python form)."""
        product_ref = spec.get("product_id") or (spec.get("product") or {}).get("id")
        product = self._product(product_ref)
        price = spec.get("price")
        if isinstance(price, dict):
            price = price.get("amount")
        price_cents = (cents(price) if price is not None
                       else int(round(product["netCents"] * data.EUR_RATE.get(currency, 1.0))))
        discount = spec.get("discount") or 0
        category = (spec.get("tax") or {}).get("vatCategory")
        rate = {"normal": 19, "reduced": 7, "exempt": 0}.get(category, product["taxRate"])
        return {"id": render.position_id(order_id, index), "productId": product["id"],
                "quantity": float(spec.get("quantity", 1)), "price": price_cents,
                "discount": int(round(float(discount) * self._discount_scale())), "taxRate": rate,
                "comment": spec.get("comment", ""), "webId": spec.get("webId", ""), "parent": None}

    @staticmethod
    def _with_totals(record: dict) -> dict:
        with_totals(record["positions"])
        record["net"] = sum(p["net"] for p in record["positions"])
        record["tax"] = sum(p["tax"] for p in record["positions"])
        return record

    def _new_order_record(self, order_id: int | None = None, customer_id: Any = None,
                          positions: list[dict] | None = None, status: str = "created", **fields: Any) -> dict:
        if status not in data.STATUSES:
            raise ValueError(f"unknown status {status!r}")
        customer = (self._customer(customer_id) if customer_id is not None
                    else self._rng.choice([c for c in self.customers.records if self.customers.get(c["id"])]))
        order_id = order_id or self._next_order_id
        self._next_order_id = max(self._next_order_id, order_id + 1)
        now = self.now_epoch()
        fields = _canonical(fields, ORDER_FIELD_ALIASES, "order")
        currency = fields.pop("currency", "EUR")
        if positions is None:
            ids = [i for i in self.products.alive_ids() if not self._product(i)["isShippingCostsProduct"]]
            positions = [{"product_id": self._rng.choice(ids), "quantity": self._rng.randint(1, 3)}
                         for _ in range(self._rng.randint(1, 3))]
        record = {
            "id": order_id, "documentNumber": str(self.orders.next_document), "status": status,
            "date": berlin_day(now), "createdAt": now, "updatedAt": now,
            "customerId": customer["id"], "projectId": customer["projectId"],
            "paymentMethodId": customer["paymentMethodId"], "shippingMethodId": customer["shippingMethodId"],
            "currency": currency, "externalOrderNumber": "", "externalOrderId": "", "transactionNumber": "",
            "customerOrderNumber": "", "comment": "", "editor": "API", "autoShipping": True,
            "billingAddress": None, "shippingAddress": None, "shippingCosts": [],
            "positions": [self.position(p, currency, order_id, k) for k, p in enumerate(positions)],
        }
        if "date" in fields:
            fields["date"] = berlin_day(parse_instant(str(fields["date"])))
        for key in ("customerId", "projectId", "paymentMethodId", "shippingMethodId"):
            if key in fields:
                fields[key] = int(fields[key])
        record.update(fields)
        return self._with_totals(record)

    def _add_order(self, record: dict) -> str:
        self.orders.add(record)
        self._changed()
        return str(record["id"])

    @_locked
    def create_order(self, customer_id: str | int | None = None, positions: list[dict] | None = None,
                     status: str = "created", external_order_number: str | None = None, **fields: Any) -> str:
        """Create an order stamped with the world time; returns its id."""
        if external_order_number is not None:
            fields["externalOrderNumber"] = external_order_number
        return self._add_order(self._new_order_record(customer_id=customer_id, positions=positions,
                                                      status=status, **fields))

    @_locked
    def update_order(self, order_id: str | int, **changes: Any) -> None:
        """Change fields (status, comment, external numbers, positions, position_quantities={position id: qty}, ...);
        updatedAt becomes the world time."""
        row = self._order_row(order_id)
        record = copy.deepcopy(self.orders.record(row))
        quantities = changes.pop("position_quantities", None)
        positions = changes.pop("positions", None)
        fields = _canonical(changes, ORDER_FIELD_ALIASES, "order")
        if "status" in fields and fields["status"] not in data.STATUSES:
            raise ValueError(f"unknown status {fields['status']!r}")
        for key in ("customerId", "projectId", "paymentMethodId", "shippingMethodId"):
            if key in fields:
                fields[key] = int(fields[key])
        if "date" in fields:
            fields["date"] = berlin_day(parse_instant(str(fields["date"])))
        record.update(fields)
        if positions is not None:
            record["positions"] = [self.position(p, record["currency"], record["id"], k)
                                   for k, p in enumerate(positions)]
        for position_id, qty in (quantities or {}).items():
            match = [p for p in record["positions"] if str(p["id"]) == str(position_id)]
            if not match:
                raise KeyError(f"position {position_id} is not in order {order_id}")
            match[0]["quantity"] = float(qty)
        record["updatedAt"] = max(self.now_epoch(), record["createdAt"])
        self.orders.replace(row, self._with_totals(record))
        self._changed()

    def cancel_order(self, order_id: str | int) -> None:
        self.update_order(order_id, status="canceled")

    @_locked
    def delete_order(self, order_id: str | int) -> None:
        self.orders.delete(self._order_row(order_id))
        self._changed()

    # ---- products and customers: changes -----------------------------------------------

    def _product_fields(self, changes: dict[str, Any]) -> dict[str, Any]:
        price = changes.pop("sales_price_net", None)
        fields = _canonical(changes, PRODUCT_FIELDS, "product")
        if price is not None:
            fields["netCents"] = cents(price)
        return fields

    def _store_product(self, row: int | None, product: dict) -> str:
        product["grossCents"] = (product["netCents"] * (100 + product["taxRate"]) + 50) // 100
        product["salesTax"] = "standard" if product["taxRate"] == 19 else ("reduced" if product["taxRate"] else "free")
        product["updatedAt"] = self.now_epoch()
        if row is None:
            self.products.add(product)
        else:
            self.products.replace(row, product)
        self._changed()
        return str(product["id"])

    @_locked
    def create_product(self, **fields: Any) -> str:
        """New product (name, number, sales_price_net, tax_rate, stock, ...); returns its id."""
        product_id = self.products.next_id()
        product = data.product(random.Random(f"{self.settings.seed}:product:{product_id}"), product_id,
                               len(self.projects.records))
        product.update(self._product_fields(dict(fields)))
        return self._store_product(None, product)

    @_locked
    def update_product(self, product_id: str | int, **changes: Any) -> None:
        product = dict(self._product(product_id))
        product.update(self._product_fields(dict(changes)))
        self._store_product(self.products.row_of(product["id"]), product)

    @_locked
    def delete_product(self, product_id: str | int) -> None:
        self.products.delete(self.products.row_of(self._product(product_id)["id"]))
        self._changed()

    def _store_customer(self, row: int | None, customer: dict) -> str:
        customer["updatedAt"] = self.now_epoch()
        if row is None:
            self.customers.add(customer)
        else:
            self.customers.replace(row, customer)
        self._changed()
        return str(customer["id"])

    @_locked
    def create_customer(self, **fields: Any) -> str:
        """New customer (name, email, customer_type, addresses, ...); returns its id."""
        customer_id = self.customers.next_id()
        customer = data.customer(random.Random(f"{self.settings.seed}:customer:{customer_id}"), customer_id,
                                 len(self.projects.records))
        self._change_customer(customer, fields)
        customer["createdAt"] = self.now_epoch()
        return self._store_customer(None, customer)

    @_locked
    def update_customer(self, customer_id: str | int, **changes: Any) -> None:
        customer = dict(self._customer(customer_id))
        self._change_customer(customer, changes)
        self._store_customer(self.customers.row_of(customer["id"]), customer)

    @staticmethod
    def _change_customer(customer: dict, changes: dict[str, Any]) -> None:
        """Apply checked changes; `addresses` replace the customer's (see addresses.checked_addresses)."""
        fields = _canonical(changes, CUSTOMER_FIELDS, "customer")
        if "addresses" in fields:
            fields["addresses"] = checked_addresses(fields["addresses"],
                                                    {**customer, "name": fields.get("name", customer["name"])})
        customer.update(fields)

    @_locked
    def delete_customer(self, customer_id: str | int) -> None:
        self.customers.delete(self.customers.row_of(self._customer(customer_id)["id"]))
        self._changed()
