"""How each resource is found, with the filters its list endpoint allows (see the spec's enums).

- Sales orders: the list cannot filter on ``id``, so a digit value is tried as an id through
  the view and as a ``documentNumber`` through the list; then ``externalOrderNumber``.
- Products: ``id`` and ``number`` equal the value; then name equal, number containing, name
  containing (rows starting with the value first within each).
- Customers: the list filters only with ``equals``/``in``; so ``id`` and ``number``, then name,
  last name, email equal to the value (Xentral compares text case-insensitively), and last a
  substring search over name, number and email reading the first ``CUSTOMER_SCAN_ROWS`` customers.
"""

from __future__ import annotations

from pipelines.api.endpoints import CUSTOMERS_PATH, PRODUCTS_PATH, SALES_ORDERS_PATH
from pipelines.api.paging import Filter
from pipelines.lookups.find import FilterTier, Kind, ScanTier, Tier, ViewTier

CUSTOMER_SCAN_ROWS = 500


def _equals(label: str, path: str, key: str, value: str) -> FilterTier:
    return FilterTier(label, path, (Filter(key, "equals", value),))


def _contains(label: str, path: str, key: str, value: str) -> FilterTier:
    return FilterTier(label, path, (Filter(key, "contains", value),), prefix_of=key, prefix=value)


def _order_id(value: str) -> Tier | None:
    return ViewTier("id", f"{SALES_ORDERS_PATH}/{value}") if value.isdigit() else None


def _product_id(value: str) -> Tier | None:
    return _equals("id", PRODUCTS_PATH, "id", value) if value.isdigit() else None


def _customer_id(value: str) -> Tier | None:
    return _equals("id", CUSTOMERS_PATH, "id", value) if value.isdigit() else None


def _customer_scan(value: str) -> ScanTier:
    return ScanTier(
        f"name, number or email containing it (first {CUSTOMER_SCAN_ROWS} customers)",
        CUSTOMERS_PATH,
        value,
        readers=(
            lambda row: row.get("name"),
            lambda row: row.get("number"),
            lambda row: (row.get("contactDetails") or {}).get("email"),
        ),
        max_rows=CUSTOMER_SCAN_ROWS,
        noun_plural="customers",
    )


SALES_ORDERS = Kind(
    noun="sales order",
    plural="sales orders",
    path=SALES_ORDERS_PATH,
    id_tier=_order_id,
    number_tier=lambda value: _equals("document number", SALES_ORDERS_PATH, "documentNumber", value),
    name_tiers=lambda value: [
        _equals("external order number", SALES_ORDERS_PATH, "externalOrderNumber", value)
    ],
)

PRODUCTS = Kind(
    noun="product",
    plural="products",
    path=PRODUCTS_PATH,
    id_tier=_product_id,
    number_tier=lambda value: _equals("number", PRODUCTS_PATH, "number", value),
    name_tiers=lambda value: [
        _equals("name", PRODUCTS_PATH, "name", value),
        _contains("number containing it", PRODUCTS_PATH, "number", value),
        _contains("name containing it", PRODUCTS_PATH, "name", value),
    ],
)

CUSTOMERS = Kind(
    noun="customer",
    plural="customers",
    path=CUSTOMERS_PATH,
    id_tier=_customer_id,
    number_tier=lambda value: _equals("number", CUSTOMERS_PATH, "number", value),
    name_tiers=lambda value: [
        _equals("name", CUSTOMERS_PATH, "name", value),
        _equals("last name", CUSTOMERS_PATH, "lastname", value),
        _equals("email", CUSTOMERS_PATH, "email", value),
        _customer_scan(value),
    ],
)
