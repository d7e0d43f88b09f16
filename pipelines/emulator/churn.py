"""Paging churn: rows that change while a client pages with offsets, as on a live instance."""
from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .world import World


def shift_pages(world: World, resource: str, before: list[int], newest_first: bool, rng: random.Random) -> None:
    """Delete one of the rows `before` the requested page (`resource`: "orders", "products" or
    "customers"), or for orders, half the time, insert one there, so the client's next offset is
    off by one. The caller holds the world lock and marks the data changed."""
    if not before:
        return
    if resource == "orders" and rng.random() < 0.5 and _insert_order_before(world, before, newest_first):
        return
    row = before[rng.randrange(len(before))]
    if resource == "orders":
        world.orders.delete(world.orders.book.ids[row])
    elif resource == "products":
        world.master.delete_product(world.master.products.records[row]["id"])
    elif resource == "customers":
        world.master.delete_customer(world.master.customers.records[row]["id"])


def _insert_order_before(world: World, before: list[int], newest_first: bool) -> bool:
    """A new order on page one when listing newest first, else one filling a gap in the ids before
    the page; False when there is no gap."""
    if newest_first:
        world.orders.create()
        return True
    book = world.orders.book
    ids = sorted(book.ids[row] for row in before)
    for low, high in zip(ids, ids[1:]):
        if high - low > 1 and book.row_of(low + 1) is None:
            world.orders.create(order_id=low + 1)
            return True
    return False
