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

from . import churn, render
from .clock import Clock
from .filtering import STR, select
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
from .settings import EmulatorSettings

ORDER_COLUMNS = ("createdAt", "updatedAt")  # order filter keys read from the book's columns, not the record


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
        self._renderer = render.OrderRenderer(self.master.customer_any, self.master.product_any,
                                              self._discount_scale, self._shipping_in_net_sales)
        self._renderer.warm([c["id"] for c in self.master.customers.records])
        master = self.master
        self._listings = {
            SALES_ORDERS.operation: Listing(ORDER_SORT_KINDS, self.orders.book.alive_rows, self._order_value,
                                            self.orders.book.ids.__getitem__, self._order_list_json, SORT_COLUMNS),
            PRODUCTS.operation: _record_listing(master.products, PRODUCT_KINDS, self._product_value,
                                                lambda product: dumps(master.product_item(product))),
            CUSTOMERS.operation: _record_listing(master.customers, CUSTOMER_KINDS,
                                                 _item_value(master.customers, CUSTOMER_EXTRACT, lambda c: c),
                                                 lambda customer: dumps(render.customer_list_item(customer))),
            PROJECTS.operation: _record_listing(master.projects, PROJECTS.kinds,
                                                _item_value(master.projects, PROJECT_EXTRACT, master.project_item),
                                                lambda project: dumps(master.project_item(project))),
            PAYMENT_METHODS.operation: _record_listing(
                master.payment_methods, PAYMENT_METHODS.kinds,
                _item_value(master.payment_methods, PAYMENT_EXTRACT, render.payment_method_item),
                lambda method: dumps(render.payment_method_item(method))),
            SHIPPING_METHODS.operation: _record_listing(master.shipping_methods, {}, lambda key, row: None,
                                                        lambda method: dumps(render.shipping_method_item(method))),
        }

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
        record = book.record(row)
        return read(record, self.master.customer_any(record["customerId"]))

    def _order_list_json(self, row: int) -> str:
        return self._renderer.list_item(self.orders.book.record(row))

    def _product_value(self, key: str, row: int) -> Any:
        product = self.master.products.records[row]
        read = PRODUCT_EXTRACT.get(key)
        return read(product, self.master.project_name(product["projectId"])) if read else None

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
        listing = self._listings[operation]
        rows = self.selected_rows(operation, query)
        if query.by_cursor:
            return cursor_body(listing, rows, query, self.settings.customer_cursor_end == "empty")
        return page_body(listing, rows, query)

    @_changing
    def churn(self, operation: str, query: ListQuery, rng: random.Random) -> None:
        """Shift offset paging (see churn.shift_pages)."""
        churn.shift_pages(self, operation, query, rng)

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
        return None if customer is None else dumps(render.customer_view(customer))

    @_locked
    def address_page(self, customer_id: str, query: ListQuery) -> tuple[list[dict], int] | None:
        """One page of a customer's addresses (filtered on type) and how many match in all;
        None when the customer does not exist."""
        customer = self.master.customers.get(record_id(customer_id))
        if customer is None:
            return None
        addresses = customer["addresses"]
        rows = select(range(len(addresses)), query.filters, {"type": STR}, lambda key, row: addresses[row][key])
        matching = [render.customer_address(addresses[row]) for row in rows]
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
        return json.loads(dumps(render.customer_list_item(self.master.customer(customer_id))))

    @_locked
    def customer_view(self, customer_id: str | int) -> dict:
        return json.loads(dumps(render.customer_view(self.master.customer(customer_id))))

    @_locked
    def customer_addresses(self, customer_id: str | int) -> list[dict]:
        """Every address the address list serves for the customer, all pages, in order."""
        return [render.customer_address(a) for a in self.master.customer(customer_id)["addresses"]]

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


def _record_listing(records: RecordSet, kinds: dict[str, str], value: Callable[[str, int], Any],
                    item_json: Callable[[dict], str]) -> Listing:
    return Listing({**kinds, "id": "int"}, records.alive_rows, value, lambda row: records.records[row]["id"],
                   lambda row: item_json(records.records[row]), {})


def _item_value(records: RecordSet, extract: dict, item: Callable[[dict], dict]) -> Callable[[str, int], Any]:
    """Reads a key from a record's item (rendered, for reference data: they are few and small);
    keys it has no data for are null."""
    return lambda key, row: extract[key](item(records.records[row])) if key in extract else None
