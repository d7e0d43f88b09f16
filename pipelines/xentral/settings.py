"""Constants of the Xentral source: endpoints, page size, tables, and the columns every table has."""

from __future__ import annotations

from typing import Any

from pipelines.api.endpoints import SYNCED_LISTS

RESOURCE_PATHS = SYNCED_LISTS
RESOURCE_NAMES = tuple(SYNCED_LISTS)

PAGE_SIZE = 50
"""The largest page Xentral documents; fewer requests per row cannot be had through v1/v2."""

POSITIONS_TABLE = "sales_order_positions"
ADDRESSES_TABLE = "customer_addresses"
TABLES = ("sales_orders", POSITIONS_TABLE, "products", "customers", ADDRESSES_TABLE)

MONEY_COLUMNS = r"re:(^|__)amount$"
"""Every `{amount, currency}` object flattens to `*__amount`: money, so DECIMAL, never float."""

TIMESTAMP_COLUMNS = r"re:(^|__)(created_at|updated_at|details_synced_at|vanished_at)$"
DATE_COLUMNS = r"re:^(date|desired_delivery_date|earliest_fulfillment_date|reservation_date)$"


def _nullable(data_type: str, *names: str) -> dict[str, dict[str, Any]]:
    return {name: {"data_type": data_type, "nullable": True} for name in names}


DECLARED_COLUMNS: dict[str, dict[str, dict[str, Any]]] = {
    "sales_orders": {
        **_nullable("text", "document_number", "status", "customer__id", "customer__number", "project__id",
                    "financials__currency", "external_order_number"),
        **_nullable("date", "date"),
        **_nullable("decimal", "net_sales__amount", "total__amount"),
        **_nullable("timestamp", "created_at", "updated_at", "vanished_at"),
    },
    POSITIONS_TABLE: {
        **_nullable("text", "product__id", "product__number", "product__name", "price__currency"),
        **_nullable("decimal", "price__amount", "net_revenue_total__amount", "gross_revenue_total__amount"),
    },
    "products": {
        **_nullable("text", "number", "name"),
        **_nullable("decimal", "sales_price_net__amount", "sales_price_gross__amount"),
        **_nullable("timestamp", "updated_at", "vanished_at"),
    },
    "customers": {
        **_nullable("text", "number", "name", "customer_type", "contact_details__email",
                    "financials__default_currency", "list_row_hash"),
        **_nullable("timestamp", "created_at", "updated_at", "vanished_at", "details_synced_at"),
    },
    ADDRESSES_TABLE: _nullable(
        "text", "type", "name", "street", "address_supplement", "department", "sub_department", "zip", "city",
        "country", "state",
    ),
}
"""Every column the staging models read, declared: the spec makes most fields optional, and a column
an instance never sends (or leaves empty everywhere) must still exist. `vanished_at` is set after a
complete listing no longer shows the row, and cleared when it shows again."""
