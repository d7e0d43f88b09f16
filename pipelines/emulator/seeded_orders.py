"""The seeded sales orders, computed on demand.

Order i of an instance is a pure function of (seed, i): only the ids and the two instants of
every order are kept (they are what lists filter and sort on most), the rest of an order,
positions included, is drawn again whenever it is read. So a million orders start in seconds
and take a few bytes each.
"""
from __future__ import annotations

import random
from array import array
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from . import data
from .clock import berlin_day
from .money import net_cents, tax_cents

GAP_SHARE = 0.03  # of ids, those left unused, like records deleted long ago
UNCHANGED_SHARE = 0.35  # of orders, those never updated after creation
MEAN_UPDATE_DELAY = 4 * 86400  # seconds, of the others
POSITION_COUNTS = tuple(range(1, 11))


@dataclass(frozen=True)
class Good:
    id: int
    net_cents: int  # EUR
    tax_rate: int  # percent


@dataclass(frozen=True)
class Catalog:
    """What seeded orders draw from, as it was at start-up (later changes leave them alone)."""

    customers: tuple[tuple[int, bool], ...]  # (id, is a company)
    goods: tuple[Good, ...]  # every product but the shipping cost product
    shipping_product: int  # 0: none
    project_count: int


def _pick(draw: float, values: tuple) -> Any:
    """The value a uniform draw in [0, 1) falls on (cheaper than random.choice, which matters here)."""
    return values[int(draw * len(values))]


def _weighted(draw: float, values: tuple, cumulative: list[float]) -> Any:
    return values[min(bisect(cumulative, draw * cumulative[-1]), len(values) - 1)]


class SeededOrders:
    """ids, createdAt and updatedAt of every seeded order (epoch seconds), and `record(i)`."""

    def __init__(self, seed: int, count: int, catalog: Catalog) -> None:
        self._seed = seed
        self._catalog = catalog
        self.count = count
        rng = random.Random(f"{seed}:orders")
        self.ids = array("q", accumulate(2 if rng.random() < GAP_SHARE else 1 for _ in range(count)))
        span = data.DATA_END - data.DATA_START
        # Stratified over the period, so creation follows the ids without sorting.
        self.created = array("q", (data.DATA_START + int((i + rng.random()) * span / count) for i in range(count)))
        self.updated = array("q", (min(created + self._delay(rng), data.DATA_END) for created in self.created))
        # Small instances still show every status, currency and the fewest and most positions.
        self._forced = {
            "status": self._spread(data.STATUSES), "currency": self._spread(data.CURRENCIES),
            "positions": self._spread((POSITION_COUNTS[0], POSITION_COUNTS[-1])),
        }
        self._status_weights = list(accumulate(data.STATUS_WEIGHTS))
        self._currency_weights = list(accumulate(data.CURRENCY_WEIGHTS))
        self._count_weights = list(accumulate(data.POSITION_COUNT_WEIGHTS))

    @staticmethod
    def _delay(rng: random.Random) -> int:
        return 0 if rng.random() < UNCHANGED_SHARE else int(rng.expovariate(1 / MEAN_UPDATE_DELAY))

    def _spread(self, values: tuple) -> dict[int, object]:
        """Order index -> value, each value once, evenly over the orders (when there are enough)."""
        if self.count < len(values):
            return {}
        return {k * self.count // len(values): value for k, value in enumerate(values)}

    def record(self, index: int, positions: bool = True) -> dict:
        """The record of seeded order `index` (0-based) with its totals, and its positions unless
        `positions` is false (a list item needs only the totals, and pages read many)."""
        draw = random.Random((self._seed << 32) + index).random
        catalog = self._catalog
        forced = self._forced
        order_id = self.ids[index]
        status = forced["status"].get(index) or _weighted(draw(), data.STATUSES, self._status_weights)
        currency = forced["currency"].get(index) or _weighted(draw(), data.CURRENCIES, self._currency_weights)
        count = forced["positions"].get(index) or _weighted(draw(), POSITION_COUNTS, self._count_weights)
        customer_id, is_company = _pick(draw(), catalog.customers)
        project = 1 + int(draw() * catalog.project_count)
        payment = 1 + int(draw() * len(data.PAYMENT_METHODS))
        shipping = 1 + int(draw() * len(data.SHIPPING_METHODS))
        lines = self._positions(draw, order_id, count, currency, positions)
        charged = (catalog.shipping_product and shipping != data.PICKUP_SHIPPING_METHOD
                   and draw() < data.SHIPPING_COST_SHARE)
        created = self.created[index]
        return {
            "id": order_id, "documentNumber": str(data.FIRST_DOCUMENT_NUMBER + index), "status": status,
            "date": berlin_day(created), "createdAt": created, "updatedAt": self.updated[index],
            "customerId": customer_id, "projectId": project, "paymentMethodId": payment,
            "shippingMethodId": shipping, "currency": currency,
            "externalOrderNumber": data.external_order_number(order_id, project),
            "externalOrderId": data.external_order_id(order_id, project),
            "transactionNumber": data.transaction_number(order_id, payment),
            "customerOrderNumber": data.customer_order_number(order_id, is_company),
            "comment": data.comment(order_id),
            "editor": "Shopware" if project in data.SHOP_PROJECTS else "Administrator",
            "autoShipping": True, "billingAddress": None, "shippingAddress": None,
            "net": sum(line[0] for line in lines), "tax": sum(line[1] for line in lines),
            "shippingCosts": [{"productId": catalog.shipping_product, "quantity": 1, "taxRate": 19,
                               "price": round(data.SHIPPING_COST_NET_CENTS * data.EUR_RATE[currency])}]
            if charged else [],
            **({"positions": [line[2] for line in lines]} if positions else {}),
        }

    def _positions(self, draw: Callable[[], float], order_id: int, count: int, currency: str,
                   records: bool) -> list[tuple[int, int, dict | None]]:
        """(net, tax, position record or None unless `records`) of `count` positions; in some orders
        of three or more the first is a set and the next two its parts, priced at 0 (the set carries
        the price)."""
        kit = count >= 3 and draw() < data.KIT_SHARE
        first_id = order_id * data.POSITION_ID_FACTOR
        goods, rate = self._catalog.goods, data.EUR_RATE[currency]
        quantities, discounts = data.QUANTITIES, data.DISCOUNTS_BP
        positions = []
        for k in range(count):  # the picks written out: this loop runs for every position of every page
            good = goods[int(draw() * len(goods))]
            quantity = float(quantities[int(draw() * len(quantities))])
            discount = discounts[int(draw() * len(discounts))]
            part = kit and k in (1, 2)
            price = 0 if part else round(good.net_cents * rate)
            net = net_cents(price, quantity, discount)
            tax = tax_cents(net, good.tax_rate)
            positions.append((net, tax, {
                "id": first_id + k + 1, "productId": good.id, "quantity": quantity, "price": price,
                "discount": discount, "taxRate": good.tax_rate, "net": net, "tax": tax,
                "parent": first_id + 1 if part else None, "comment": "", "webId": "",
            } if records else None))
        return positions
