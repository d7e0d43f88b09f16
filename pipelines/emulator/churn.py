"""Paging churn: rows that change while a client pages with offsets, as on a live instance."""
from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .query import ListQuery
from .resources import CUSTOMERS, PRODUCTS, SALES_ORDERS

if TYPE_CHECKING:
    from .world import World


def shift_pages(world: World, operation: str, query: ListQuery, rng: random.Random) -> None:
    """Delete a row sorting before the requested page, or (sales orders, half the time) insert one
    there, so the client's next offset is off by one. The caller holds the world lock and marks the
    data changed."""
    listing = world.listing(operation)
    rows = world.selected_rows(operation, query)
    before = rows[: min(len(rows), (query.number - 1) * query.size)]
    if not before:
        return
    if operation == SALES_ORDERS.operation and rng.random() < 0.5 and _insert_order_before(world, before, query):
        return
    victim = str(listing.row_id(before[rng.randrange(len(before))]))
    delete = {SALES_ORDERS.operation: world.delete_order, PRODUCTS.operation: world.delete_product,
              CUSTOMERS.operation: world.delete_customer}.get(operation)
    if delete is not None:
        delete(victim)


def _insert_order_before(world: World, before: list[int], query: ListQuery) -> bool:
    """A new order on page one when listing newest first, else one filling a gap in the ids before
    the page; False when there is no gap."""
    if query.order and query.order[0] == ("id", True):
        world.orders.create()
        return True
    book = world.orders.book
    ids = sorted(book.ids[row] for row in before)
    for low, high in zip(ids, ids[1:]):
        if high - low > 1 and book.row_of(low + 1) is None:
            world.orders.create(order_id=low + 1)
            return True
    return False
