"""Constants of the Xentral source: endpoints, page size, table names and defaults."""

from __future__ import annotations

SALES_ORDERS_PATH = "/api/v1/salesOrders"
PRODUCTS_PATH = "/api/v2/products"
CUSTOMERS_PATH = "/api/v2/customers"

PAGE_SIZE = 50
"""The largest page Xentral documents; fewer requests per row cannot be had through v1/v2."""

RESOURCE_NAMES = ("sales_orders", "products", "customers")
POSITIONS_TABLE = "sales_order_positions"
ADDRESSES_TABLE = "customer_addresses"

DEFAULT_CURSOR_LAG_SECONDS = 600
"""Re-list this much before the last cursor: covers writes that commit late and clock skew."""

DEFAULT_CUSTOMER_REFRESH_DAYS = 7
"""Every customer's view and addresses are re-read at least this often."""

DEFAULT_PRODUCT_FULL_LISTING_DAYS = 7
"""Products are listed in full (to flag vanished ones) at least this often."""

DEFAULT_ROWS_PER_LOAD = 5000
"""Rows (orders, products, customers) a sync fetches before it loads them and goes on: bounds
its memory whatever the instance's size (bench/RESULTS.md). At 100 requests a minute a step
of orders is about 50 minutes of fetching: all a run killed mid-way can lose."""

DEFAULT_DUCKDB_MEMORY_LIMIT = "64MB"
"""DuckDB's buffer memory during a sync. The sync holds the file open for the whole run, and
without a cap DuckDB would keep every block it read or wrote (640 MB at 100,000 orders); a
step needs far less (100,000 orders load within 48 MB; bench/RESULTS.md)."""

PIPELINE_NAME = "xentral_sync"

MONEY_COLUMNS = r"re:(^|__)amount$"
"""Every `{amount, currency}` object flattens to `*__amount`: money, so DECIMAL, never float."""

TIMESTAMP_COLUMNS = r"re:(^|__)(created_at|updated_at|details_synced_at|vanished_at)$"
DATE_COLUMNS = r"re:^(date|desired_delivery_date|earliest_fulfillment_date|reservation_date)$"
