"""The import body: ids, money as strings, discounts as the instance reads them, autoShipping always sent."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pipelines.order_import import Address, OrderDraft, PositionDraft, Ref
from pipelines.order_import.payload import import_payload
from pipelines.order_import.resolve import ResolvedOrder

DRAFT = OrderDraft(key="K-1", customer=Ref("10001"), comment="Messe", shipping_address=Address("Jörg", country="DE"),
                   positions=(PositionDraft(Ref("AR-1"), Decimal("2"), Decimal("19.90"), Decimal("12.5")),
                              PositionDraft(Ref("AR-2"), Decimal("1.5"))))
ORDER = ResolvedOrder(DRAFT, date(2026, 11, 20), "EUR", "7", "1", "2", "3", ("11", "12"))


@pytest.mark.parametrize(("mode", "discount"), [("fraction", 0.125), ("percent", 12.5)])
def test_payload(mode: str, discount: float) -> None:
    body = import_payload(ORDER, auto_shipping=False, discount_mode=mode)
    assert body["externalOrderNumber"] == "K-1" and body["date"] == "2026-11-20"
    assert body["customer"] == {"id": "7"} and body["project"] == {"id": "1"}
    assert body["financials"] == {"paymentMethod": {"id": "2"}, "currency": "EUR"}
    assert body["delivery"] == {"shippingMethod": {"id": "3"}, "autoShipping": False,
                                "shippingAddress": {"name": "Jörg", "country": "DE"}}
    assert body["positions"] == [
        {"product": {"id": "11"}, "quantity": 2, "price": {"amount": "19.90", "currency": "EUR"}, "discount": discount},
        {"product": {"id": "12"}, "quantity": 1.5},
    ]
    assert body["comment"] == "Messe"
