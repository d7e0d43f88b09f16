"""Every knob of the emulator in one dataclass.

Behaviour that Xentral documents is fixed in code; behaviour that the public material
leaves open (see docs/emulator.md) is a setting here, so clients can be tested against
each variant.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

CHOICES: dict[str, tuple[str, ...]] = {
    "oversize_page": ("reject", "clamp"),
    "unauthorized_body": ("json", "text"),
    "error_body": ("empty", "message"),
    "location_form": ("absolute", "relative"),
    "duplicate_external_order_number": ("accept", "reject"),
    "customer_cursor": ("on", "off"),
    "customer_cursor_end": ("empty", "absent"),
    "discount_mode": ("fraction", "percent"),
    "net_sales_shipping": ("excluded", "included"),
    "v3_sales_orders": ("on", "absent", "forbidden"),
    "v3_customers": ("off", "on"),
    "v3_amounts": ("string", "number", "mixed"),
    "v3_unknown_status": ("released", "draft", "completed", "cancelled"),
    "v3_address_ids": ("customer", "separate"),
}

RATES = ("error_rate", "foreign_429_rate", "drop_rate", "truncate_rate", "paging_churn_rate")

# Settings that shape the seeded data or the socket; they cannot change at run time.
STARTUP_ONLY = ("orders", "products", "customers", "seed", "port", "clock_start", "recent_requests")


@dataclass(frozen=True)
class EmulatorSettings:
    """Configuration of one emulator instance (all faults off by default)."""

    orders: int = 200
    products: int = 60
    customers: int = 50
    seed: int = 42
    token: str = "emulator-token"
    port: int = 0  # 0: pick a free ephemeral port
    clock_start: str | None = None  # ISO-8601; None: the real current time

    rate_limit: int = 100
    rate_window_seconds: float = 60.0

    # Variants of behaviour that the public material does not pin down.
    oversize_page: str = "reject"
    unauthorized_body: str = "json"
    error_body: str = "empty"  # 403, 404, 406, 429, 5xx: the spec declares no body for them
    location_form: str = "absolute"
    duplicate_external_order_number: str = "accept"
    customer_cursor: str = "on"
    customer_cursor_end: str = "empty"
    discount_mode: str = "fraction"
    net_sales_shipping: str = "excluded"  # whether an order's netSales and total include its shipping costs
    token_scopes: tuple[str, ...] | None = None  # None: the token has every scope

    # v3 (documents-api-v3.json): whether it is there, and what the spec leaves open.
    v3_sales_orders: str = "on"  # absent: 404 as on an instance without v3; forbidden: 403 (a feature flag off)
    v3_customers: str = "off"  # GET /api/v3/customers (beta in the spec)
    v3_amounts: str = "string"  # money amounts: strings, numbers, or mixed per order
    v3_unknown_status: str = "released"  # v3's name for v1's "unknown" (v3 has no such status)
    v3_address_ids: str = "customer"  # an order's address.id: the customer id, or a separate id space
    v3_latency_per_order_ms: float = 0.0  # a v3 list answer waits this long per record on its page
    v3_fail_above: int = 0  # a v3 list request with a larger perPage is answered 504 (0: never)

    # Faults.
    fault_seed: int = 0
    error_rate: float = 0.0
    foreign_429_rate: float = 0.0
    latency_ms: float = 0.0
    drop_rate: float = 0.0
    truncate_rate: float = 0.0
    paging_churn_rate: float = 0.0
    paging_churn_limit: int = 0  # most churn events in all; 0: no limit
    slow_import_seconds: float = 0.0
    fail_operations: tuple[str, ...] | None = None  # None: faults hit every operation

    recent_requests: int = 200  # request lines kept for debugging

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, not {getattr(self, name)!r}")
        for name in RATES:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if min(self.orders, self.products, self.customers) < 0:
            raise ValueError("orders, products and customers must not be negative")
        if self.products < 1 or self.customers < 1:
            raise ValueError("at least one product and one customer are needed")
        if self.rate_limit < 1 or self.rate_window_seconds <= 0:
            raise ValueError("rate_limit and rate_window_seconds must be positive")
        if self.v3_latency_per_order_ms < 0 or self.v3_fail_above < 0:
            raise ValueError("v3_latency_per_order_ms and v3_fail_above must not be negative")
        for name in ("token_scopes", "fail_operations"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    def updated(self, **changes: Any) -> EmulatorSettings:
        """A copy with run-time changes applied; refuses unknown and start-up-only names."""
        known = {f.name for f in fields(self)}
        for name in changes:
            if name not in known:
                raise ValueError(f"unknown setting {name!r}")
            if name in STARTUP_ONLY:
                raise ValueError(f"{name!r} can only be set at start-up")
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
