"""The template's columns: canonical names, the spellings accepted for them, which are required.

Headers are matched without regard to case, spaces, underscores and hyphens: ``Order Key``,
``order_key`` and ``ORDERKEY`` are the same column.
"""

from __future__ import annotations

import re

ORDER_KEY = "order_key"
ORDER_DATE = "order_date"
CUSTOMER = "customer"
CUSTOMER_NUMBER = "customer_number"
CUSTOMER_ID = "customer_id"
CURRENCY = "currency"
PROJECT = "project"
PAYMENT_METHOD = "payment_method"
SHIPPING_METHOD = "shipping_method"
PRODUCT = "product"
PRODUCT_NUMBER = "product_number"
PRODUCT_ID = "product_id"
QUANTITY = "quantity"
UNIT_PRICE = "unit_price"
DISCOUNT = "discount"
COMMENT = "comment"
ADDRESS_PARTS = ("name", "street", "zip", "city", "country", "email")
BILLING = tuple(f"billing_{part}" for part in ADDRESS_PARTS)
SHIPPING = tuple(f"shipping_{part}" for part in ADDRESS_PARTS)

ALIASES: dict[str, tuple[str, ...]] = {
    ORDER_KEY: ("external_order_number", "order_number", "order"),
    ORDER_DATE: ("date",),
    UNIT_PRICE: ("price",),
    QUANTITY: ("qty",),
    PAYMENT_METHOD: ("payment",),
    SHIPPING_METHOD: ("shipping",),
}
CANONICAL = (
    ORDER_KEY, ORDER_DATE, CUSTOMER, CUSTOMER_NUMBER, CUSTOMER_ID, CURRENCY, PROJECT, PAYMENT_METHOD,
    SHIPPING_METHOD, PRODUCT, PRODUCT_NUMBER, PRODUCT_ID, QUANTITY, UNIT_PRICE, DISCOUNT, COMMENT, *BILLING, *SHIPPING,
)
REQUIRED = (ORDER_KEY, QUANTITY)
ONE_OF_REQUIRED = ((CUSTOMER, CUSTOMER_NUMBER, CUSTOMER_ID), (PRODUCT, PRODUCT_NUMBER, PRODUCT_ID))
ORDER_LEVEL = (
    ORDER_DATE, CUSTOMER, CUSTOMER_NUMBER, CUSTOMER_ID, CURRENCY, PROJECT, PAYMENT_METHOD, SHIPPING_METHOD, COMMENT,
    *BILLING, *SHIPPING,
)
"""Columns that belong to the order, not the position: rows of one order must not disagree on them."""


def normalized(header: str) -> str:
    """``Order Key`` -> ``orderkey``: the form headers are compared in."""
    return re.sub(r"[\s_\-]+", "", str(header)).casefold()


_LOOKUP = {
    normalized(spelling): name
    for name in CANONICAL
    for spelling in (name, *ALIASES.get(name, ()))
}


def canonical_name(header: str) -> str | None:
    """The template column a header names, or None for a column the import does not use."""
    return _LOOKUP.get(normalized(header))


def missing_columns(names: set[str]) -> list[str]:
    """Required columns (or groups of which one is required) absent from ``names``."""
    missing = [name for name in REQUIRED if name not in names]
    missing += [" or ".join(group) for group in ONE_OF_REQUIRED if not names.intersection(group)]
    return missing
