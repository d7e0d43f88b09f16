"""The world's records as v3 reads them: how its lists select and sort, and each record's resource."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import shapes_v3
from .clock import days_to_iso
from .filtering import DAY, INT, STR
from .listing import Listing
from .masterdata import MasterData
from .orders import OrderBook
from .resources_v3 import CUSTOMER_V3_VALUES, CUSTOMERS_V3, ORDER_V3_VALUES, SALES_ORDERS_V3
from .shapes_v3 import OrderV3, V3Options

COLUMN_KEYS = ("id", "createdAt", "updatedAt")  # read from the order book's columns, not the record


class V3View:
    """`column(key, row)` reads the order book's columns; `options()` the settings of the moment."""

    def __init__(self, book: OrderBook, master: MasterData, column: Callable[[str, int], Any],
                 options: Callable[[], V3Options]) -> None:
        self._book = book
        self._master = master
        self._column = column
        self._options = options
        self._last_order: tuple[int, OrderV3] | None = None
        self._customer_addresses: dict[int, tuple[dict, tuple[dict, dict]]] = {}

    def listings(self) -> dict[str, Listing]:
        customers = self._master.customers
        return {
            SALES_ORDERS_V3.operation: Listing({**SALES_ORDERS_V3.kinds, "search": STR}, self._book.alive_rows,
                                               self.order_value, self._book.ids.__getitem__),
            CUSTOMERS_V3.operation: Listing({**CUSTOMERS_V3.kinds, "id": INT}, customers.alive_rows,
                                            self.customer_value, lambda row: customers.records[row]["id"]),
        }

    def order(self, row: int) -> OrderV3:
        """The order on `row` as v3 sees it; the last one is kept while its record, its customer and the
        settings stay the same objects (a filter reads many keys of one row in turn)."""
        record = self._book.record(row)
        customer = self._master.customer_any(record["customerId"])
        options = self._options()
        if self._last_order is not None and self._last_order[0] == row:
            order = self._last_order[1]
            if order.record is record and order.customer is customer and order.options == options:
                return order
        order = OrderV3(record, customer, self._addresses(customer), self._master.project_any(record["projectId"]),
                        self._master.product_any, options)
        self._last_order = (row, order)
        return order

    def _addresses(self, customer: dict) -> tuple[dict, dict]:
        """shapes_v3.customer_addresses, kept while the customer record is the same object (a change
        replaces it): every order of a customer shares them."""
        kept = self._customer_addresses.get(customer["id"])
        if kept is None or kept[0] is not customer:
            kept = self._customer_addresses[customer["id"]] = (customer, shapes_v3.customer_addresses(customer))
        return kept[1]

    def order_value(self, key: str, row: int) -> Any:
        """An order's value of a v3 filter or sort key (`search`: the text `search` looks in)."""
        if key in COLUMN_KEYS:
            return self._column(key, row)
        if key == "search":
            return " ".join(self._search_text(name, row) for name in SALES_ORDERS_V3.search_keys)
        read = ORDER_V3_VALUES.get(key)
        return None if read is None else read(self.order(row))

    def _search_text(self, key: str, row: int) -> str:
        value = self.order_value(key, row)
        if value is None:
            return ""
        return days_to_iso(value) if SALES_ORDERS_V3.kinds[key] == DAY else str(value)

    def customer_value(self, key: str, row: int) -> Any:
        read = CUSTOMER_V3_VALUES.get(key)
        return None if read is None else read(self._master.customers.records[row])

    def order_resource(self, row: int, includes: frozenset[str]) -> dict:
        return shapes_v3.sales_order(self.order(row), includes, self._product)

    def _product(self, product_id: int, includes: frozenset[str]) -> dict:
        return shapes_v3.product(self._master.product_any(product_id), includes)

    def customer_resource(self, row: int, includes: frozenset[str]) -> dict:
        return shapes_v3.customer(self._master.customers.records[row], includes)
