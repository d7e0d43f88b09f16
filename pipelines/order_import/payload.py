"""A resolved order as the body of ``POST /api/v1/salesOrders/actions/import``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipelines.order_import.model import Address, PositionDraft
from pipelines.order_import.resolve import ResolvedOrder


def import_payload(order: ResolvedOrder, *, auto_shipping: bool, discount_mode: str) -> dict[str, Any]:
    """The JSON body; ``delivery.autoShipping`` is always sent so nothing ships by surprise."""
    draft = order.draft
    financials: dict[str, Any] = {"paymentMethod": {"id": order.payment_method_id}, "currency": order.currency}
    delivery: dict[str, Any] = {"shippingMethod": {"id": order.shipping_method_id}, "autoShipping": auto_shipping}
    if draft.billing_address is not None:
        financials["billingAddress"] = _address(draft.billing_address)
    if draft.shipping_address is not None:
        delivery["shippingAddress"] = _address(draft.shipping_address)
    payload: dict[str, Any] = {
        "date": order.order_date.isoformat(),
        "externalOrderNumber": draft.key,
        "customer": {"id": order.customer_id},
        "project": {"id": order.project_id},
        "financials": financials,
        "delivery": delivery,
        "positions": [
            _position(position, product_id, order.currency, discount_mode)
            for position, product_id in zip(draft.positions, order.product_ids)
        ],
    }
    if draft.comment:
        payload["comment"] = draft.comment
    return payload


def _position(position: PositionDraft, product_id: str, currency: str, discount_mode: str) -> dict[str, Any]:
    body: dict[str, Any] = {"product": {"id": product_id}, "quantity": _number(position.quantity or Decimal(0))}
    if position.unit_price is not None:
        body["price"] = {"amount": str(position.unit_price), "currency": currency}
    if position.discount:
        percent = position.discount
        body["discount"] = _number(percent / 100 if discount_mode == "fraction" else percent)
    return body


def _address(address: Address) -> dict[str, str]:
    fields = {
        "name": address.name, "street": address.street, "zipCode": address.zip_code,
        "city": address.city, "country": address.country, "email": address.email,
    }
    return {key: value for key, value in fields.items() if value}


def _number(value: Decimal) -> int | float:
    """A JSON number: whole values as integers, others as floats."""
    return int(value) if value == value.to_integral_value() else float(value)
