"""What each resource lists and fetches, and the rows it yields: the bodies of the source's resources.

Each function keeps its cursor and the position of an unfinished walk in the resource state
(`state`), which dlt commits together with the data it loads, so a cursor never moves past rows
that were not loaded. A walk that pauses for one of the run's loads (`SyncRun.load_due`) is
continued by the next call in the same run. A spent budget ends a resource where it is (the run
says why); so do requests that keep failing (`SyncRun.fail`): what was fetched is yielded either way.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt

from pipelines.api.client import XentralClient
from pipelines.api.endpoints import CUSTOMERS_PATH, PRODUCTS_PATH, SALES_ORDERS_PATH
from pipelines.api.errors import RequestBudgetExhausted, RetriesExhaustedError
from pipelines.api.paging import Filter, Page
from pipelines.api.timestamps import format_timestamp, parse_timestamp
from pipelines.xentral.arrow_rows import ArrowTables
from pipelines.xentral.known import CustomerVersion, KnownRows
from pipelines.xentral.rows import NewListColumns, address_rows, customer_row, list_row_hash, order_row, position_rows
from pipelines.xentral.run import SyncRun
from pipelines.xentral.settings import ADDRESSES_TABLE, DECLARED_COLUMNS, POSITIONS_TABLE
from pipelines.xentral.walk import WalkLog, walk_may_have_skipped, walk_pages, walk_started_at

log = logging.getLogger(__name__)

State = MutableMapping[str, Any]

ROWS_PER_ITEM = 250
"""Rows of whole pages gathered before they go to dlt as one item: every item costs dlt a schema
update, and larger items cost memory (bench/RESULTS.md)."""


@dataclass(frozen=True)
class Window:
    """Which changes a run lists: a backfill window (`since`/`until`, the nightly cursor stays put),
    or the nightly listing from the cursor minus `cursor_lag`."""

    since: datetime | None = None
    until: datetime | None = None
    cursor_lag: timedelta = timedelta(minutes=10)
    customer_refresh_days: int = 7
    product_full_listing_days: int = 7

    @property
    def is_backfill(self) -> bool:
        return self.since is not None or self.until is not None


@dataclass
class _Walk:
    """The listing a resource walks this run, whether its position persists between runs,
    and whether finishing it moves an `updatedAt` cursor (customers have none)."""

    position: State
    log: WalkLog
    since: datetime | None
    until: datetime | None
    persistent: bool
    has_cursor: bool = True

    @property
    def filters(self) -> list[Filter]:
        filters = []
        if self.since is not None:
            filters.append(Filter("updatedAt", "greaterThanOrEquals", format_timestamp(self.since)))
        if self.until is not None:
            filters.append(Filter("updatedAt", "lessThanOrEquals", format_timestamp(self.until)))
        return filters

    @property
    def lists_everything(self) -> bool:
        """Unfiltered and started from page 1 in this run: absent rows have vanished."""
        return self.since is None and self.until is None and bool(self.log.from_first_page)

    def pages(self, client: XentralClient, path: str, run: SyncRun) -> Iterator[Page]:
        return walk_pages(
            client, path, self.filters, self.position, self.log,
            pause=run.load_due, may_fetch=lambda purpose: run.may_spend(1, purpose),
        )


def sales_order_pages(client: XentralClient, run: SyncRun, known: KnownRows, window: Window) -> Iterator[Any]:
    """List orders changed since the cursor; fetch the view of each new or moved order.

    An order listed again in the same run (a page read twice) is fetched again only if it
    changed since; the cursor stays before this walk's start, so the next run lists it anyway.
    """
    state = dlt.current.resource_state()
    walk = _incremental_walk(state, run.walk("sales_orders"), window, full_listing_due=False)
    buffer = _PageBuffer(run, "sales_orders")
    with _ends_cleanly(run):
        for page in walk.pages(client, SALES_ORDERS_PATH, run):
            buffer.listed()
            if not _fetch_changed_orders(client, run, known, page, buffer):
                break  # the budget ended the page: the walk keeps its position, the next run reads it again
            _remember_max_updated(walk.position, page.items)
            yield from buffer.page_done()
        else:
            _finish_walk(state, walk, run, "sales_orders")
    yield from buffer.drain()


def _fetch_changed_orders(
    client: XentralClient, run: SyncRun, known: KnownRows, page: Page, buffer: _PageBuffer
) -> bool:
    """The views of the page's new and moved orders; False when the budget ended the page."""
    for item in _identified(page, "sales orders"):
        order_id = item["id"]
        if _unchanged(known.orders.get(order_id), item.get("updatedAt")):
            continue
        if not run.may_spend(1, f"the view of order {order_id}"):
            return False
        view = client.get_data(f"{SALES_ORDERS_PATH}/{order_id}")
        if view is not None:
            if view.get("updatedAt"):
                known.orders.remember(order_id, parse_timestamp(view["updatedAt"]))
            buffer.add(order_row(view), positions=position_rows(view), from_detail=True)
    return True


def product_pages(client: XentralClient, run: SyncRun, window: Window) -> Iterator[Any]:
    """List products changed since the cursor, and all of them every few days."""
    state = dlt.current.resource_state()
    full_listing_due = _product_listing_due(state, window, run)
    walk = _incremental_walk(state, run.walk("products"), window, full_listing_due=full_listing_due)
    buffer = _PageBuffer(run, "products")
    with _ends_cleanly(run):
        for page in walk.pages(client, PRODUCTS_PATH, run):
            buffer.listed()
            for item in _identified(page, "products"):
                buffer.add(item)
            _remember_max_updated(walk.position, page.items)
            yield from buffer.page_done()
        if walk.lists_everything and walk.persistent and not (walk.log.paused or walk.log.stopped):
            state["last_full_listing_at"] = run.started_at.isoformat()
        _finish_walk(state, walk, run, "products")
    yield from buffer.drain()


def customer_pages(client: XentralClient, run: SyncRun, known: KnownRows, window: Window) -> Iterator[Any]:
    """List every customer; read view and addresses of new, changed and due customers.

    The v2 list has no timestamps, so a change shows only as a different list row.
    Changes that show only in the view are caught by the rolling refresh.
    """
    state = dlt.current.resource_state()
    walk = _Walk(state.setdefault("walk", {}), run.walk("customers"), since=None, until=None, persistent=True,
                 has_cursor=False)
    buffer = _PageBuffer(run, "customers")
    with _ends_cleanly(run):
        for page in walk.pages(client, CUSTOMERS_PATH, run):
            buffer.listed()
            if not _fetch_due_customers(client, run, known, window, page, buffer):
                break  # as for orders: the next run reads the page again
            yield from buffer.page_done()
        else:
            _finish_walk(state, walk, run, "customers")
    yield from buffer.drain()


def _fetch_due_customers(
    client: XentralClient, run: SyncRun, known: KnownRows, window: Window, page: Page, buffer: _PageBuffer
) -> bool:
    """View and addresses of the page's new, changed and due customers; False when the budget ended the page."""
    for item in _identified(page, "customers"):
        customer_id = item["id"]
        if not _needs_details(item, known.customers.get(customer_id), run, window):
            continue
        if not run.may_spend(2, f"reading customer {customer_id}'s details"):  # never half a customer
            return False
        details = _customer_details(client, customer_id)
        if details is not None:
            view, addresses = details
            row = customer_row(item, view, run.started_at)
            known.remember_customer(customer_id, row["list_row_hash"], run.started_at)
            buffer.add(row, addresses=addresses, from_detail=True)
    return True


def _customer_details(client: XentralClient, customer_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """A customer's view and all its addresses; None when it is gone (404) since it was listed."""
    view = client.get_data(f"{CUSTOMERS_PATH}/{customer_id}")
    if view is None:
        return None
    addresses = client.get_all_items(f"{CUSTOMERS_PATH}/{customer_id}/addresses")
    if addresses is None:  # gone since its view answered: skipped this run, as a view's 404
        return None
    return view, address_rows(customer_id, addresses)


class _ends_cleanly:  # noqa: N801 - used as a `with` statement
    """Ends a resource whose requests keep failing, or whose budget ran out mid-request, cleanly:
    the run notes it, and what was fetched before is still yielded and loaded."""

    def __init__(self, run: SyncRun) -> None:
        self._run = run

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> bool:
        if isinstance(error, RetriesExhaustedError):
            self._run.fail(error)
            return True
        if isinstance(error, RequestBudgetExhausted):  # a retry within a request found the budget spent
            self._run.stop(str(error))
            return True
        return False


class _PageBuffer:
    """Rows of the pages being processed, handed to dlt in whole pages, a table at a time."""

    def __init__(self, run: SyncRun, resource: str) -> None:
        self._run = run
        self._resource = resource
        self._rows: list[dict[str, Any]] = []
        self._positions: list[dict[str, Any]] = []
        self._addresses: list[dict[str, Any]] = []
        self._details = self._rows_since_count = 0
        self._list_columns = NewListColumns()
        self._arrow: ArrowTables | None = None

    def listed(self) -> None:
        self._run.count(self._resource, pages=1)

    def add(
        self,
        row: dict[str, Any],
        positions: Sequence[dict[str, Any]] = (),
        addresses: Sequence[dict[str, Any]] = (),
        *,
        from_detail: bool = False,
    ) -> None:
        self._rows.append(row)
        self._rows_since_count += 1
        self._positions.extend(positions)
        self._addresses.extend(addresses)
        self._details += from_detail

    def page_done(self) -> Iterator[Any]:
        self._run.count(self._resource, rows=self._rows_since_count, details=self._details)
        self._rows_since_count = self._details = 0
        if len(self._rows) >= ROWS_PER_ITEM:
            return self.drain()
        return iter((None,))  # no item yet, but dlt turns to the next resource: they still take turns by page

    def drain(self) -> Iterator[Any]:
        """Yield what was collected: whole pages, each table with the hints it was not given yet."""
        if self._rows_since_count:  # a page the budget cut short: its rows are counted too
            self._run.count(self._resource, rows=self._rows_since_count, details=self._details)
            self._rows_since_count = self._details = 0
        if self._rows:
            item, columns = self._item(self._resource, self._rows)
            if columns is not None:  # hints given with an item replace the resource's: the declared columns go along
                declared = {**DECLARED_COLUMNS[self._resource], **columns}
                item = dlt.mark.with_hints(item, dlt.mark.make_hints(columns=declared))
            yield item
        if self._positions:
            yield _child_rows(*self._item(POSITIONS_TABLE, self._positions), POSITIONS_TABLE, "sales_order_id")
        if self._addresses:
            yield _child_rows(*self._item(ADDRESSES_TABLE, self._addresses), ADDRESSES_TABLE, "customer_id")
        self._rows, self._positions, self._addresses = [], [], []

    def _item(self, table: str, rows: list[dict[str, Any]]) -> tuple[Any, dict[str, dict[str, Any]] | None]:
        """The rows as one Arrow table (or as they are where only dlt's per-row normalizer can type
        them), with the column hints `table` was not given yet in this run."""
        if self._arrow is None:
            self._arrow = ArrowTables(dlt.current.source_schema(), dlt.current.pipeline().destination.capabilities())
        flat = self._arrow.flatten(rows)
        table_item = self._arrow.table(table, flat)
        return rows if table_item is None else table_item, self._list_columns.of(table, flat.list_columns)


def _child_rows(items: Any, columns: dict[str, dict[str, Any]] | None, table: str, parent_key: str) -> Any:
    """Rows for a table keyed to a parent: merging on `parent_key` replaces all of a parent's rows.

    The primary key (parent, id) makes dlt keep one row per key when a load job ran twice (a run
    killed after DuckDB committed the job's rows but before dlt recorded it); without it such
    rows stayed doubled until the parent changed.
    """
    if columns is None:
        return dlt.mark.with_table_name(items, table)  # hinted before in this run: dlt keeps those hints
    hints = dlt.mark.make_hints(
        table_name=table,
        write_disposition="merge",
        primary_key=[parent_key, "id"],
        merge_key=parent_key,
        columns={**DECLARED_COLUMNS[table], **columns},
    )
    return dlt.mark.with_hints(items, hints, create_table_variant=True)


def _identified(page: Page, what: str) -> Iterator[dict[str, Any]]:
    """The page's items that carry an id; one without is logged and left out (it cannot be keyed)."""
    for item in page.items:
        if item.get("id") is None:
            log.warning("a row of the %s list came without an id and is left out: %.200r", what, item)
            continue
        yield item


def _unchanged(loaded_version: datetime | None, listed_updated_at: Any) -> bool:
    """The loaded row is this version: the list's `updatedAt` equals it (an order without one is fetched)."""
    if loaded_version is None or not listed_updated_at:
        return False
    return loaded_version == parse_timestamp(listed_updated_at)


def _incremental_walk(state: State, log: WalkLog, window: Window, *, full_listing_due: bool) -> _Walk:
    """A backfill window, the unfinished walk of an earlier run, or a new walk from the cursor."""
    if window.is_backfill:
        return _Walk(log.unsaved_position, log, window.since, window.until, persistent=False)
    if "walk" not in state:
        since = None if full_listing_due else _since(state, window)
        state["walk"] = {"since": since.isoformat() if since else None}
    position = state["walk"]
    since = parse_timestamp(position["since"]) if position.get("since") else None
    return _Walk(position, log, since, None, persistent=True)


def _since(state: State, window: Window) -> datetime | None:
    cursor = state.get("cursor")
    return parse_timestamp(cursor) - window.cursor_lag if cursor else None


def _finish_walk(state: State, walk: _Walk, run: SyncRun, table: str) -> None:
    """Close a walk that reached its last page: move the cursor, note a complete listing.

    A walk paused for a load stays open: the run's next step continues it; so does one the
    budget stopped, for the next run. A walk that may have skipped a row moves no cursor, so the
    next run lists from the same point again.
    """
    if walk.log.paused or walk.log.stopped:
        return
    skipped = walk_may_have_skipped(walk.position)
    if walk.lists_everything and not skipped:
        run.listed_everything(table, walk.log.listed_ids)
    if walk.persistent:
        if walk.has_cursor and not skipped:
            state["cursor"] = _next_cursor(state.get("cursor"), walk.position).isoformat()
        del state["walk"]
    run.finish(table)


def _next_cursor(cursor: str | None, position: State) -> datetime:
    """The newest change seen, but never past the walk's start nor before the old cursor.

    Rows are listed by id, not by time: a row changed after the walk passed it carries a
    time after the walk's start, so the next run must list from there at the latest.
    """
    started_at = walk_started_at(position) or datetime.now(UTC)
    max_seen = position.get("max_updated_at")
    candidate = min(parse_timestamp(max_seen), started_at) if max_seen else started_at
    return max(candidate, parse_timestamp(cursor)) if cursor else candidate


def _remember_max_updated(position: State, items: Sequence[dict[str, Any]]) -> None:
    times = [parse_timestamp(item["updatedAt"]) for item in items if item.get("updatedAt")]
    if position.get("max_updated_at"):
        times.append(parse_timestamp(position["max_updated_at"]))
    if times:
        position["max_updated_at"] = max(times).isoformat()


def _product_listing_due(state: State, window: Window, run: SyncRun) -> bool:
    last = state.get("last_full_listing_at")
    return last is None or run.started_at - parse_timestamp(last) >= timedelta(days=window.product_full_listing_days)


def _needs_details(item: dict[str, Any], known: CustomerVersion | None, run: SyncRun, window: Window) -> bool:
    """New, changed in the list, or due in the rolling refresh of customer details.

    Each customer has a day slot in the refresh cycle, so a night re-reads about
    1/`customer_refresh_days` of them; one not read for a whole cycle is due regardless.
    """
    if known is None or known.list_row_hash != list_row_hash(item) or known.details_synced_at is None:
        return True
    now = run.started_at
    age = now - known.details_synced_at
    cycle = max(1, window.customer_refresh_days)
    if age >= timedelta(days=cycle):
        return True
    slot = zlib.crc32(item["id"].encode()) % cycle
    return age >= timedelta(hours=20) and slot == (now - datetime(1970, 1, 1, tzinfo=UTC)).days % cycle
