"""Money in cents: amounts from the API, and the totals of positions (rounded half up)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


def cents(amount: Any) -> int:
    """Cents of a money amount given as "12.34", 12.34 or Decimal; ValueError otherwise."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise ValueError(amount) from None
    if not value.is_finite():
        raise ValueError(amount)
    return int((value * 100).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def net_cents(price: int, quantity: float, discount_bp: int) -> int:
    """A position's net total: price x quantity x (1 - discount), discount in basis points."""
    milli = round(quantity * 1000)
    return (price * milli * (10000 - discount_bp) + 5_000_000) // 10_000_000


def tax_cents(net: int, rate_percent: int) -> int:
    return (net * rate_percent + 50) // 100


def with_totals(positions: list[dict]) -> list[dict]:
    """Fill each position's `net` and `tax` (cents) in place; returns the positions."""
    for position in positions:
        position["net"] = net_cents(position["price"], position["quantity"], position["discount"])
        position["tax"] = tax_cents(position["net"], position["taxRate"])
    return positions
