"""The emulated instance: its data (master data, sales orders), the world clock, and what the
server and the tests ask of it. The concerns live beside this module (masterdata.py, orders.py,
listing.py, churn.py, clock.py); `World` holds them together under one lock.

Every public method takes the world lock, so HTTP threads and test code can share it.
"""
from __future__ import annotations

import functools
import json
import random
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import churn, shapes, v3
from .clock import Clock
from .filtering import INT, STR, select
from .knobs import EmulatorSettings
from .listing import Listing, Selections, cursor_body, dumps, page_body
from .masterdata import MasterData
from .orders import Orders
from .query import ListQuery
from .records import RecordSet, record_id
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
from .resources_v3 import CUSTOMERS_V3, SALES_ORDERS_V3
from .shapes_v3 import V3Options
from .view_v3 import V3View

ORDER_COLUMNS = ("createdAt", "updatedAt")  # order filter keys read from the book's columns, not the record
RESOURCES = {SALES_ORDERS.operation: "orders", SALES_ORDERS_V3.operation: "orders", PRODUCTS.operation: "products",
             CUSTOMERS.operation: "customers", CUSTOMERS_V3.operation: "customers"}  # what churn changes


def _locked(method: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(self: World, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)
    return wrapper


def _changing(method: Callable) -> Callable:
    """Locked, and the cached list selections are dropped afterwards."""
    @functools.wraps(method)
    def wrapper(self: World, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            try:
                return method(self, *args, **kwargs)
            finally:
                self._selections.changed()
    return wrapper


class World:
    """Data plus clock of one emulated Xentral instance."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.lock = threading.RLock()
        self.clock = Clock(datetime.fromisoformat(settings.clock_start) if settings.clock_start else None)
        self.master = MasterData(settings.seed, settings.customers, settings.products, self.now_epoch)
        self.orders = Orders(settings.seed, settings.orders, self.master, self.now_epoch, self._discount_scale)
        self._selections = Selections()
        self._renderer = shapes.OrderRenderer(self.master.customer_any, self.master.product_any,
                                              self._discount_scale, self._shipping_in_net_sales)
        self._renderer.warm([c["id"] for c in self.master.customers.records])
        self._v3 = V3View(self.orders.book, self.master, self._order_value, self._v3_options)
        self._listings, self._items_json = self._v1_listings()
        self._listings.update(self._v3.listings())

    def _v1_listings(self) -> tuple[dict[str, Listing], dict[str, Callable[[int], str]]]:
        """The v1/v2 lists: how each reads its rows, and each row's item as JSON."""
        master = self.master
        listings = {SALES_ORDERS.operation: Listing(ORDER_SORT_KINDS, self.orders.book.alive_rows, self._order_value,
                                                    self.orders.book.ids.__getitem__, SORT_COLUMNS)}
        items = {SALES_ORDERS.operation: self._order_list_json}
        for operation, records, kinds, value, item in (
            (PRODUCTS.operation, master.products, PRODUCT_KINDS, self._product_value, master.product_item),
            (CUSTOMERS.operation, master.customers, CUSTOMER_KINDS,
             _item_value(master.customers, CUSTOMER_EXTRACT, lambda customer: customer), shapes.customer_list_item),
            (PROJECTS.operation, master.projects, PROJECTS.kinds,
             _item_value(master.projects, PROJECT_EXTRACT, master.project_item), master.project_item),
            (PAYMENT_METHODS.operation, master.payment_methods, PAYMENT_METHODS.kinds,
             _item_value(master.payment_methods, PAYMENT_EXTRACT, shapes.payment_method_item),
             shapes.payment_method_item),
            (SHIPPING_METHODS.operation, master.shipping_methods, {}, lambda key, row: None,
             shapes.shipping_method_item),
        ):
            listings[operation] = _record_listing(records, kinds, value)
            items[operation] = _item_json(records, item)
        return listings, items

    # ---- settings that shape answers ---------------------------------------------------

    def _discount_scale(self) -> int:
        """Basis points per unit of a discount as the API writes it (a fraction or a percentage)."""
        return 10000 if self.settings.discount_mode == "fraction" else 100

    def _shipping_in_net_sales(self) -> bool:
        return self.settings.net_sales_shipping == "included"

    # ---- reading rows ------------------------------------------------------------------

    def _order_value(self, key: str, row: int) -> Any:
        book = self.orders.book
        if key == "id":
            return book.ids[row]
        if key in ORDER_COLUMNS:
            return (book.created if key == "createdAt" else book.updated)[row]
        read = ORDER_VALUES.get(key)
        if read is None:
            return None
        record = book.header(row)
        return read(record, self.master.customer_any(record["customerId"]))

    def _order_list_json(self, row: int) -> str:
        return self._renderer.list_item(self.orders.book.header(row))

    def _product_value(self, key: str, row: int) -> Any:
        product = self.master.products.records[row]
        read = PRODUCT_EXTRACT.get(key)
        return read(product, self.master.project_name(product["projectId"])) if read else None

    def _v3_options(self) -> V3Options:
        settings = self.settings
        return V3Options(settings.v3_amounts, settings.v3_unknown_status, settings.v3_address_ids == "separate")

    def listing(self, operation: str) -> Listing:
        return self._listings[operation]

    def selected_rows(self, operation: str, query: ListQuery) -> list[int]:
        """The rows a list query selects, in its order (kept until the data change)."""
        return self._selections.rows(operation, self._listings[operation], query.filters, query.order)

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

    # ---- answers (used by the server) --------------------------------------------------

    @_locked
    def list_body(self, operation: str, query: ListQuery) -> str:
        """The complete JSON body of a list answer."""
        rows = self.selected_rows(operation, query)
        if query.by_cursor:
            return cursor_body(self._listings[operation], rows, query, self._items_json[operation],
                               self.settings.customer_cursor_end == "empty")
        return page_body(rows, query, self._items_json[operation])

    @_changing
    def churn(self, operation: str, query: ListQuery, rng: random.Random) -> None:
        """Shift offset paging (see churn.shift_pages)."""
        rows = self.selected_rows(operation, query)
        churn.shift_pages(self, RESOURCES.get(operation, ""), rows[:(query.number - 1) * query.size],
                          query.order[:1] == (("id", True),), rng)

    @_locked
    def v3_list(self, operation: str, query: v3.V3Query, url: Callable[[dict[str, Any]], str],
                path: str) -> tuple[bytes, int]:
        """A v3 list answer's body and how many records it holds; `url` and `path` make its links."""
        listing = self._listings[operation]
        page = v3.page(listing, self._selections.rows(operation, listing, query.filters, query.sort), query, url,
                       path)
        if operation == SALES_ORDERS_V3.operation:
            return v3.body(page, lambda row: self._v3.order_resource(row, query.includes)), len(page.rows)
        return v3.body(page, lambda row: self._v3.customer_resource(row, query.includes)), len(page.rows)

    @_changing
    def churn_v3(self, operation: str, query: v3.V3Query, rng: random.Random) -> None:
        """Shift offset paging of a v3 list (see churn.shift_pages)."""
        rows = self._selections.rows(operation, self._listings[operation], query.filters, query.sort)
        first, descending = query.sort[0]
        churn.shift_pages(self, RESOURCES[operation], rows[:(query.page - 1) * query.per_page],
                          descending and first in ("id", *ORDER_COLUMNS), rng)

    @_locked
    def order_v3_json(self, order_id: str, includes: frozenset[str]) -> str | None:
        """The body of a v3 order view, or None when the id is unknown."""
        row = self.orders.book.alive_row(record_id(order_id))
        return None if row is None else dumps({"data": self._v3.order_resource(row, includes)})

    @_locked
    def view_json(self, operation: str, record_id_text: str) -> str | None:
        """`data` of a single-resource answer as JSON, or None when the id is unknown."""
        wanted = record_id(record_id_text)
        if operation == "salesOrder.view":
            row = self.orders.book.alive_row(wanted)
            return None if row is None else self._renderer.view(self.orders.book.record(row))
        if operation == "product.viewV2":
            product = self.master.products.get(wanted)
            return None if product is None else dumps(self.master.product_view(product))
        customer = self.master.customers.get(wanted)
        return None if customer is None else dumps(shapes.customer_view(customer))

    @_locked
    def address_page(self, customer_id: str, query: ListQuery) -> tuple[list[dict], int] | None:
        """One page of a customer's addresses (filtered on type) and how many match in all;
        None when the customer does not exist."""
        customer = self.master.customers.get(record_id(customer_id))
        if customer is None:
            return None
        addresses = customer["addresses"]
        rows = select(range(len(addresses)), query.filters, {"type": STR}, lambda key, row: addresses[row][key])
        matching = [shapes.customer_address(addresses[row]) for row in rows]
        start = (query.number - 1) * query.size
        return matching[start:start + query.size], len(matching)

    # ---- truth accessors: exactly what the API answers ---------------------------------

    @_locked
    def order_ids(self) -> list[str]:
        return [str(i) for i in self.orders.ids()]

    @_locked
    def order_count(self) -> int:
        return sum(self.orders.book.alive)

    @_locked
    def order_view(self, order_id: str | int) -> dict:
        return json.loads(self._renderer.view(self.orders.book.record(self.orders.row(order_id))))

    @_locked
    def order_list_item(self, order_id: str | int) -> dict:
        return json.loads(self._order_list_json(self.orders.row(order_id)))

    @_locked
    def order_v3(self, order_id: str | int, includes: tuple[str, ...] = ("lineItems",)) -> dict:
        """The order as v3 answers it (list item and view alike), with `includes`."""
        return json.loads(dumps(self._v3.order_resource(self.orders.row(order_id), frozenset(includes))))

    @_locked
    def find_orders(self, external_order_number: str) -> list[str]:
        """Ids of live orders carrying an external order number (case-insensitive)."""
        return self.orders.find(external_order_number)

    @_locked
    def product_ids(self) -> list[str]:
        return [str(i) for i in self.master.products.alive_ids()]

    @_locked
    def product_list_item(self, product_id: str | int) -> dict:
        return json.loads(dumps(self.master.product_item(self.master.product(product_id))))

    @_locked
    def product_view(self, product_id: str | int) -> dict:
        return json.loads(dumps(self.master.product_view(self.master.product(product_id))))

    @_locked
    def customer_ids(self) -> list[str]:
        return [str(i) for i in self.master.customers.alive_ids()]

    @_locked
    def customer_list_item(self, customer_id: str | int) -> dict:
        return json.loads(dumps(shapes.customer_list_item(self.master.customer(customer_id))))

    @_locked
    def customer_view(self, customer_id: str | int) -> dict:
        return json.loads(dumps(shapes.customer_view(self.master.customer(customer_id))))

    @_locked
    def customer_v3(self, customer_id: str | int, includes: tuple[str, ...] = ()) -> dict:
        """The customer as the v3 customer list answers it, with `includes`."""
        customer = self.master.customer(customer_id)
        return json.loads(dumps(self._v3.customer_resource(self.master.customers.row_of(customer["id"]),
                                                           frozenset(includes))))

    @_locked
    def customer_addresses(self, customer_id: str | int) -> list[dict]:
        """Every address the address list serves for the customer, all pages, in order."""
        return [shapes.customer_address(a) for a in self.master.customer(customer_id)["addresses"]]

    @_locked
    def project_ids(self) -> list[str]:
        return [str(i) for i in self.master.projects.alive_ids()]

    @_locked
    def payment_method_ids(self) -> list[str]:
        return [str(i) for i in self.master.payment_methods.alive_ids()]

    @_locked
    def shipping_method_ids(self) -> list[str]:
        return [str(i) for i in self.master.shipping_methods.alive_ids()]

    # ---- changes (stamped with the world time) -----------------------------------------

    @_changing
    def create_order(self, customer_id: str | int | None = None, positions: list[dict] | None = None,
                     status: str = "created", external_order_number: str | None = None, **fields: Any) -> str:
        """Create an order stamped with the world time; returns its id."""
        if external_order_number is not None:
            fields["externalOrderNumber"] = external_order_number
        return self.orders.create(customer_id=customer_id, positions=positions, status=status, **fields)

    @_changing
    def update_order(self, order_id: str | int, **changes: Any) -> None:
        """Change fields (status, comment, external numbers, positions, position_quantities={position id: qty}, ...);
        updatedAt becomes the world time."""
        self.orders.update(order_id, **changes)

    def cancel_order(self, order_id: str | int) -> None:
        self.update_order(order_id, status="canceled")

    @_changing
    def delete_order(self, order_id: str | int) -> None:
        self.orders.delete(order_id)

    @_changing
    def create_product(self, **fields: Any) -> str:
        """New product (name, number, sales_price_net, tax_rate, stock, ...); returns its id."""
        return self.master.create_product(**fields)

    @_changing
    def update_product(self, product_id: str | int, **changes: Any) -> None:
        self.master.update_product(product_id, **changes)

    @_changing
    def delete_product(self, product_id: str | int) -> None:
        self.master.delete_product(product_id)

    @_changing
    def create_customer(self, **fields: Any) -> str:
        """New customer (name, email, customer_type, addresses, ...); returns its id."""
        return self.master.create_customer(**fields)

    @_changing
    def update_customer(self, customer_id: str | int, **changes: Any) -> None:
        self.master.update_customer(customer_id, **changes)

    @_changing
    def delete_customer(self, customer_id: str | int) -> None:
        self.master.delete_customer(customer_id)


def _record_listing(records: RecordSet, kinds: dict[str, str], value: Callable[[str, int], Any]) -> Listing:
    return Listing({**kinds, "id": INT}, records.alive_rows, value, lambda row: records.records[row]["id"])


def _item_json(records: RecordSet, render_item: Callable[[dict], dict]) -> Callable[[int], str]:
    return lambda row: dumps(render_item(records.records[row]))


def _item_value(records: RecordSet, extract: dict, item: Callable[[dict], dict]) -> Callable[[str, int], Any]:
    """Reads a key from a record's item (rendered, for reference data: they are few and small);
    keys it has no data for are null."""
    return lambda key, row: extract[key](item(records.records[row])) if key in extract else None
