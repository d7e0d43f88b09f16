"""POST /api/v1/salesOrders/actions/import: validation mirroring the payload, then creation."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from .money import cents
from .query import MISSING, conflict_problem, validation_problem
from .world import World

BLANK = "This value should not be blank."
ADDRESS_KEYS = {
    "billingAddress": ("type", "name", "title", "contactPerson", "department", "subDepartment", "street", "zipCode",
                       "city", "fax", "state", "country", "addressSupplement", "gln", "phoneNumber", "mobile",
                       "salutation", "email"),
    "shippingAddress": ("type", "name", "department", "contactPerson", "subDepartment", "street", "zipCode", "city",
                        "state", "country", "addressSupplement", "gln", "title", "email"),
}


def _put(violations: dict, path: tuple, message: str) -> None:
    node = violations
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node.setdefault(path[-1], []).append(message)


def _get(payload: Any, path: tuple) -> Any:
    for part in path:
        if not isinstance(payload, dict):
            return None
        payload = payload.get(part)
    return payload


def _reference(payload: dict, path: tuple, what: str, exists: Any, violations: dict) -> None:
    value = _get(payload, path)
    if value is None or value == "":
        _put(violations, path, MISSING if value is None else BLANK)
    elif not re.fullmatch(r"\d+", str(value)) or not exists(str(value)):
        _put(violations, path, f"{what} {value} does not exist.")


def _address(payload: dict, path: tuple, violations: dict) -> None:
    address = _get(payload, path)
    if address is None:
        return
    if not isinstance(address, dict):
        _put(violations, path, "This value should be of type object.")
        return
    for key in ("name", "country"):
        if not address.get(key):
            _put(violations, path + (key,), BLANK)


def _positions(world: World, payload: dict, violations: dict) -> None:
    positions = payload.get("positions")
    if not isinstance(positions, list) or not positions:
        _put(violations, ("positions",), "This collection should contain 1 element or more.")
        return
    products = set(world.product_ids())
    scale = 1 if world.settings.discount_mode == "fraction" else 100
    for index, position in enumerate(positions):
        here = ("positions", str(index))
        if not isinstance(position, dict):
            _put(violations, here, "This value should be of type object.")
            continue
        sub: dict = {}
        _reference(position, ("product", "id"), "Product", products.__contains__, sub)
        quantity = position.get("quantity")
        if quantity is None:
            _put(sub, ("quantity",), MISSING)
        elif isinstance(quantity, bool) or not isinstance(quantity, (int, float)) or quantity <= 0:
            _put(sub, ("quantity",), "This value should be a number greater than 0.")
        price = _get(position, ("price", "amount"))
        if price is not None:
            try:
                cents(price)
            except ValueError:
                _put(sub, ("price", "amount"), "This value is not a valid amount.")
        discount = position.get("discount")
        if discount is not None and (isinstance(discount, bool) or not isinstance(discount, (int, float))
                                     or not 0 <= discount <= scale):
            _put(sub, ("discount",), f"This value should be between 0 and {scale}.")
        if sub:
            violations.setdefault("positions", {})[str(index)] = sub


def validate(world: World, payload: Any) -> None:
    """Raise a 400 Problem for an invalid payload (every violation at once)."""
    if not isinstance(payload, dict):
        raise validation_problem({"_": ["This value should be of type object."]})
    violations: dict = {}
    order_date = payload.get("date")
    if order_date is None:
        _put(violations, ("date",), MISSING)
    else:
        try:
            date.fromisoformat(str(order_date))
        except ValueError:
            _put(violations, ("date",), "This value is not a valid date.")
    _reference(payload, ("customer", "id"), "Customer", set(world.customer_ids()).__contains__, violations)
    _reference(payload, ("project", "id"), "Project", set(world.project_ids()).__contains__, violations)
    _reference(payload, ("financials", "paymentMethod", "id"), "Payment method",
               set(world.payment_method_ids()).__contains__, violations)
    _reference(payload, ("delivery", "shippingMethod", "id"), "Shipping method",
               set(world.shipping_method_ids()).__contains__, violations)
    currency = _get(payload, ("financials", "currency"))
    if currency is None:
        _put(violations, ("financials", "currency"), MISSING)
    elif not re.fullmatch(r"[A-Z]{3}", str(currency)):
        _put(violations, ("financials", "currency"), "This value is not a valid currency.")
    _address(payload, ("financials", "billingAddress"), violations)
    _address(payload, ("delivery", "shippingAddress"), violations)
    _positions(world, payload, violations)
    if violations:
        raise validation_problem(violations)


def import_order(world: World, payload: Any) -> str:
    """Validate and create a released order; returns the new id. Raises Problem."""
    with world.lock:
        validate(world, payload)
        number = payload.get("externalOrderNumber")
        if number and world.settings.duplicate_external_order_number == "reject" and world.find_orders(number):
            raise conflict_problem(f"A sales order with external order number {number} already exists.")
        fields: dict[str, Any] = {
            key: payload[key] for key in ("externalOrderId", "customerOrderNumber", "transactionNumber", "comment")
            if isinstance(payload.get(key), str)
        }
        for section, key in (("financials", "billingAddress"), ("delivery", "shippingAddress")):
            address = _get(payload, (section, key))
            if address:
                fields[key] = {k: v for k, v in address.items() if k in ADDRESS_KEYS[key]}
        auto_shipping = _get(payload, ("delivery", "autoShipping"))
        if isinstance(auto_shipping, bool):
            fields["autoShipping"] = auto_shipping
        return world.create_order(
            customer_id=payload["customer"]["id"], positions=payload["positions"], status="released",
            external_order_number=number if isinstance(number, str) else None, date=payload["date"],
            currency=payload["financials"]["currency"], project_id=payload["project"]["id"],
            payment_method_id=payload["financials"]["paymentMethod"]["id"],
            shipping_method_id=payload["delivery"]["shippingMethod"]["id"], **fields,
        )

