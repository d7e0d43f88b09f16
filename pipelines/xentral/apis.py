"""Which API each resource reads in this run: v3 where the instance has it, found by one probe per
resource and run; v1 (orders) and v2 (customers) otherwise, or when the `api` setting says `v1`.

Sales orders through v3 need two more facts before their first page: that v3's `address.id` is the
customer's id (V3.md: unconfirmed; one v1 list row of the same customer tells), and which products
are shipping cost products (their line items are v1's `delivery.shippingCosts`, not positions).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pipelines.api.client import XentralClient
from pipelines.api.endpoints import CUSTOMERS_V3_PATH, PRODUCTS_PATH, SALES_ORDERS_PATH, SALES_ORDERS_V3_PATH
from pipelines.api.errors import ConfigError, PermissionDeniedError
from pipelines.api.paging import Filter
from pipelines.api.paging_v3 import V3Listing
from pipelines.api.timestamps import format_timestamp

log = logging.getLogger(__name__)

ORDERS_V3 = V3Listing(SALES_ORDERS_V3_PATH, include=("lineItems",))
CUSTOMERS_V3 = V3Listing(CUSTOMERS_V3_PATH)
SHIPPING_PRODUCTS = [Filter("isShippingCostsProduct", "equals", "true")]


@dataclass(frozen=True)
class ApiChoice:
    """The API a resource reads this run, and why (for the log and the summary)."""

    version: str
    reason: str
    shipping_products: frozenset[str] = field(default_factory=frozenset)
    """Sales orders through v3: the ids of the shipping cost products."""

    @property
    def is_v3(self) -> bool:
        return self.version == "v3"


def orders_api(client: XentralClient, setting: str) -> ApiChoice:
    """v3 where the instance answers it and its address ids are customer ids; else v1."""
    if setting == "v1":
        return _chosen("sales_orders", ApiChoice("v1", "api = v1"))
    probe = client.probe_v3(ORDERS_V3)
    problem = probe.refusal or _address_id_problem(client, probe.page.items if probe.page else [])
    if problem is not None:
        if setting == "v3":
            raise ConfigError(f"api = v3, but {problem}; use --api auto (or v1) for this instance")
        return _chosen("sales_orders", ApiChoice("v1", problem))
    return _chosen("sales_orders", ApiChoice("v3", "the instance lists sales orders with line items (v3)",
                                             _shipping_products(client)))


def customers_api(client: XentralClient, setting: str) -> ApiChoice:
    """v3 where the instance lists customers filtered on `updatedAt` (a night reads only the changed);
    else v2, which lists them all."""
    if setting == "v1":
        return _chosen("customers", ApiChoice("v2", "api = v1"))
    since = [Filter("updatedAt", "greaterThanOrEquals", format_timestamp(datetime.now(UTC)))]
    probe = client.probe_v3(V3Listing(CUSTOMERS_V3.path, filters=since))
    if probe.refusal is not None:
        return _chosen("customers", ApiChoice("v2", probe.refusal))
    return _chosen("customers", ApiChoice("v3", "the instance lists customers changed since a time (v3)"))


def _address_id_problem(client: XentralClient, orders: list[dict]) -> str | None:
    """Why v3's `address.id` cannot stand for the customer id, if the v1 list says so for the probed order."""
    if not orders or not orders[0].get("customerNumber"):
        return None  # nothing to compare: no order, or one without a customer
    order = orders[0]
    number = str(order["customerNumber"])
    page = client.get_page(SALES_ORDERS_PATH, number=1, size=1, filters=[Filter("customerNumber", "equals", number)])
    v1_customer = (page.items[0].get("customer") or {}).get("id") if page.items else None
    v3_address = (order.get("address") or {}).get("id")
    if v1_customer is None or v1_customer == v3_address:
        return None
    return (f"v3 names customer {number} by address id {v3_address}, v1 by customer id {v1_customer}: "
            "v3 orders would point at no customer")


def _shipping_products(client: XentralClient) -> frozenset[str]:
    """The ids of the products flagged as shipping cost products (checked row by row: an instance
    that ignored the filter would list every product)."""
    try:
        found = {item["id"] for page in client.iter_pages(PRODUCTS_PATH, filters=SHIPPING_PRODUCTS)
                 for item in page.items if item.get("isShippingCostsProduct") is True and item.get("id")}
    except PermissionDeniedError as error:
        log.warning("%s: shipping cost lines of v3 orders count as positions this run", error)
        return frozenset()
    return frozenset(found)


def _chosen(resource: str, choice: ApiChoice) -> ApiChoice:
    log.info("%s through %s: %s", resource, choice.version, choice.reason)
    return choice
