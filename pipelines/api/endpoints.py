"""The paths of the endpoints in scope (FACTS.md): the version is per endpoint."""

from __future__ import annotations

SALES_ORDERS_PATH = "/api/v1/salesOrders"
IMPORT_PATH = "/api/v1/salesOrders/actions/import"
PRODUCTS_PATH = "/api/v2/products"
CUSTOMERS_PATH = "/api/v2/customers"

SYNCED_LISTS = {"sales_orders": SALES_ORDERS_PATH, "products": PRODUCTS_PATH, "customers": CUSTOMERS_PATH}
"""The lists a sync walks, by the table each fills (the dlt source's resources)."""

SALES_ORDERS_V3_PATH = "/api/v3/salesOrders"
CUSTOMERS_V3_PATH = "/api/v3/customers"
"""v3 lists (V3.md): sales orders with their line items, customers with `updatedAt`; not on every instance."""
