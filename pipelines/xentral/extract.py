"""Per-resource extraction: which pages to list, which details to fetch, which rows to yield.

Each function is the body of one dlt resource. It keeps its cursor and the position of an
unfinished walk in the resource state (`state`), which dlt commits together with the data
it loads, so a cursor never moves past rows that were not loaded. A walk that pauses for
one of the run's loads (`SyncRun.load_due`) is continued by the next call in the same run.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt

from pipelines.api.client import XentralClient
from pipelines.api.errors import RequestBudgetExhausted, RetriesExhaustedError
from pipelines.api.paging import Filter, Page
from pipelines.api.timestamps import format_timestamp, parse_timestamp
from pipelines.xentral.arrow_rows import ArrowTables
from pipelines.xentral.control import SyncRun
from pipelines.xentral.listing import WalkLog, walk_may_have_skipped, walk_pages, walk_started_at
from pipelines.xentral.loaded import CustomerVersion, LoadedRows
from pipelines.xentral.rows import (
    NewListColumns,
    address_rows,
    customer_row,
    list_row_hash,
    order_row,
    position_rows,
)
from pipelines.xentral.settings import (
    ADDRESSES_TABLE,
    CUSTOMERS_PATH,
    DEFAULT_CURSOR_LAG_SECONDS,
    DEFAULT_CUSTOMER_REFRESH_DAYS,
    DEFAULT_PRODUCT_FULL_LISTING_DAYS,
    POSITIONS_TABLE,
    PRODUCTS_PATH,
    SALES_ORDERS_PATH,
)

State = MutableMapping[str, Any]

ADDRESS_COLUMNS = {
    name: {"data_type": "text", "nullable": True}
    for name in ("id", "type", "name", "street", "address_supplement", "department", "sub_department", "zip", "city",
                 "country", "state")
}
"""The official fields of a customer's addresses, declared so that one an instance leaves empty
everywhere still gets its column (the staging view selects them all)."""

ROWS_PER_ITEM = 250
"""Rows of whole pages gathered before they go to dlt as one item: every item costs dlt a schema
update, which at a page per item was a fifth of a sync's local time; larger items cost memory
(peak at 10,000 orders: 267 MB at 250 rows, 293 at 1,000, 388 at 5,000; bench/RESULTS.md)."""


@dataclass(frozen=True)
class SyncOptions:
    """What this run was asked to take (the command line's choices)."""

    full_refresh: bool = False
    since: datetime | None = None
    until: datetime | None = None

    @property
    def is_backfill(self) -> bool:
        """A `--since/--until` window: listed on the side, the nightly cursor stays put."""
        return self.since is not None or self.until is not None


@dataclass(frozen=True)
class Cadence:
    """How far back and how often things are re-read (the configuration's choices)."""

    cursor_lag: timedelta = timedelta(seconds=DEFAULT_CURSOR_LAG_SECONDS)
    customer_refresh_days: int = DEFAULT_CUSTOMER_REFRESH_DAYS
    product_full_listing_days: int = DEFAULT_PRODUCT_FULL_LISTING_DAYS


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
        return walk_pages(client, path, self.filters, self.position, self.log, pause=run.load_due)


def sales_order_pages(
    client: XentralClient, run: SyncRun, loaded: LoadedRows, state: State, options: SyncOptions, cadence: Cadence
) -> Iterator[Any]:
    """List orders changed since the cursor; fetch the view of each new or moved order.

    An order is fetched once per load: listed again with a later change (a page read twice),
    that change comes with the next run, whose cursor stays before this walk's start.
    """
    walk = _incremental_walk(state, run.walk("sales_orders"), options, cadence, full_listing_due=False)
    fetched: set[str] = set()
    with _Batches(run, "sales_orders") as batches:
        for page in walk.pages(client, SALES_ORDERS_PATH, run):
            batches.listed()
            known = loaded.order_versions([item["id"] for item in page.items if item["id"] not in fetched])
            for item in page.items:
                if item["id"] in fetched or known.get(item["id"]) == parse_timestamp(item["updatedAt"]):
                    continue
                run.check_time()
                view = client.get_data(f"{SALES_ORDERS_PATH}/{item['id']}")
                if view is not None:
                    fetched.add(view["id"])
                    batches.add(order_row(view), position_rows(view), from_detail=True)
            _remember_max_updated(walk.position, page.items)
            yield from batches.page_done()
            run.check_time()
        _finish_walk(state, walk, run, "sales_orders")
    yield from batches.drain()


def product_pages(
    client: XentralClient, run: SyncRun, state: State, options: SyncOptions, cadence: Cadence
) -> Iterator[Any]:
    """List products changed since the cursor, and all of them every few days."""
    full_listing_due = _product_listing_due(state, cadence, run)
    walk = _incremental_walk(state, run.walk("products"), options, cadence, full_listing_due=full_listing_due)
    with _Batches(run, "products") as batches:
        for page in walk.pages(client, PRODUCTS_PATH, run):
            batches.listed()
            for item in page.items:
                batches.add(item)
            _remember_max_updated(walk.position, page.items)
            yield from batches.page_done()
            run.check_time()
        if walk.lists_everything and walk.persistent and not walk.log.paused:
            state["last_full_listing_at"] = run.started_at.isoformat()
        _finish_walk(state, walk, run, "products")
    yield from batches.drain()


def customer_pages(
    client: XentralClient, run: SyncRun, loaded: LoadedRows, state: State, options: SyncOptions, cadence: Cadence
) -> Iterator[Any]:
    """List every customer; read view and addresses of new, changed and due customers.

    The v2 list has no timestamps, so a change shows only as a different list row.
    Changes that show only in the view are caught by the rolling refresh.
    """
    walk = _Walk(state.setdefault("walk", {}), run.walk("customers"), since=None, until=None, persistent=True,
                 has_cursor=False)
    known = {} if options.full_refresh else loaded.customer_versions()
    fetched: set[str] = set()
    with _Batches(run, "customers") as batches:
        for page in walk.pages(client, CUSTOMERS_PATH, run):
            batches.listed()
            for item in page.items:
                customer_id = item["id"]
                if customer_id in fetched or not _needs_details(item, known.get(customer_id), run.started_at, cadence):
                    continue
                run.check_time()
                if not client.allows(2):  # never half a customer
                    raise RequestBudgetExhausted(client.budget_spent(f"reading customer {customer_id}'s details"))
                view = client.get_data(f"{CUSTOMERS_PATH}/{customer_id}")
                if view is None:
                    continue
                addresses = client.get_all_items(f"{CUSTOMERS_PATH}/{customer_id}/addresses")
                if addresses is None:  # gone since its view answered: skipped this run, as a view's 404
                    continue
                fetched.add(customer_id)
                batches.add(
                    customer_row(item, view, run.started_at),
                    addresses=address_rows(customer_id, addresses),
                    from_detail=True,
                )
            yield from batches.page_done()
            run.check_time()
        _finish_walk(state, walk, run, "customers")
    yield from batches.drain()


class _Batches:
    """Rows of the pages being processed, handed to dlt in whole pages; stops the resource cleanly.

    Leaving the `with` block on a spent budget or on retries that ran out records why on the
    run and swallows the error, so whatever was fetched is still yielded by `drain()` and
    loaded; the walk's position was not advanced past the page that was cut short.
    """

    def __init__(self, run: SyncRun, resource: str) -> None:
        self._run = run
        self._resource = resource
        self._rows: list[dict[str, Any]] = []
        self._positions: list[dict[str, Any]] = []
        self._addresses: list[dict[str, Any]] = []
        self._details = self._rows_since_count = 0
        self._list_columns = NewListColumns()
        self._arrow: ArrowTables | None = None

    def __enter__(self) -> _Batches:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> bool:
        if isinstance(exc, RequestBudgetExhausted):
            self._run.stopped(exc)
            return True
        if isinstance(exc, RetriesExhaustedError):
            self._run.failed(exc)
            return True
        return False

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
        if self._rows:
            item, columns = self._item(self._resource, self._rows)
            yield item if columns is None else dlt.mark.with_hints(item, dlt.mark.make_hints(columns=columns))
        if self._positions:
            yield _child_rows(*self._item(POSITIONS_TABLE, self._positions), POSITIONS_TABLE, "sales_order_id")
        if self._addresses:
            items, columns = self._item(ADDRESSES_TABLE, self._addresses)
            declared = None if columns is None else {**ADDRESS_COLUMNS, **columns}
            yield _child_rows(items, declared, ADDRESSES_TABLE, "customer_id")
        self._rows, self._positions, self._addresses = [], [], []

    def _item(self, table: str, rows: list[dict[str, Any]]) -> tuple[Any, dict[str, dict[str, str]] | None]:
        """The rows as one Arrow table (or as they are where only dlt's per-row normalizer can type
        them), with the JSON-column hints `table` was not given yet."""
        if self._arrow is None:
            self._arrow = ArrowTables(dlt.current.source_schema(), dlt.current.pipeline().destination.capabilities())
        flat = self._arrow.flatten(rows)
        table_item = self._arrow.table(table, flat)
        return rows if table_item is None else table_item, self._list_columns.of(table, flat.list_columns)


def _child_rows(
    items: Any, columns: dict[str, dict[str, str]] | None, table: str, parent_key: str
) -> Any:
    """Rows for a table keyed to a parent: merging on `parent_key` replaces all of a parent's rows.

    The primary key (parent, id) makes dlt keep one row per key when a load job ran twice (a run
    killed after DuckDB committed the job's rows but before dlt recorded it); without it such
    rows stayed doubled until the parent changed.
    """
    if columns is None:
        return dlt.mark.with_table_name(items, table)  # hinted before: dlt keeps those hints
    hints = dlt.mark.make_hints(
        table_name=table,
        write_disposition="merge",
        primary_key=[parent_key, "id"],
        merge_key=parent_key,
        columns=columns,
    )
    return dlt.mark.with_hints(items, hints, create_table_variant=True)


def _incremental_walk(
    state: State, log: WalkLog, options: SyncOptions, cadence: Cadence, *, full_listing_due: bool
) -> _Walk:
    """A backfill window, the unfinished walk of an earlier run, or a new walk from the cursor."""
    if options.is_backfill:
        return _Walk(log.unsaved_position, log, options.since, options.until, persistent=False)
    if "walk" not in state:
        since = None if options.full_refresh or full_listing_due else _since(state, cadence)
        state["walk"] = {"since": since.isoformat() if since else None}
    position = state["walk"]
    since = parse_timestamp(position["since"]) if position.get("since") else None
    return _Walk(position, log, since, None, persistent=True)


def _since(state: State, cadence: Cadence) -> datetime | None:
    cursor = state.get("cursor")
    return parse_timestamp(cursor) - cadence.cursor_lag if cursor else None


def _finish_walk(state: State, walk: _Walk, run: SyncRun, table: str) -> None:
    """Close a walk that reached its last page: move the cursor, note a complete listing.

    A walk paused for a load stays open: the run's next step continues it. A walk that may
    have skipped a row moves no cursor, so the next run lists from the same point again.
    """
    if walk.log.paused:
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


def _product_listing_due(state: State, cadence: Cadence, run: SyncRun) -> bool:
    last = state.get("last_full_listing_at")
    return last is None or run.started_at - parse_timestamp(last) >= timedelta(days=cadence.product_full_listing_days)


def _needs_details(
    item: dict[str, Any], known: CustomerVersion | None, now: datetime, cadence: Cadence
) -> bool:
    """New, changed in the list, or due in the rolling refresh of customer details.

    Each customer has a day slot in the refresh cycle, so a night re-reads about
    1/`customer_refresh_days` of them; one not read for a whole cycle is due regardless.
    """
    if known is None or known.list_row_hash != list_row_hash(item) or known.details_synced_at is None:
        return True
    age = now - known.details_synced_at
    cycle = max(1, cadence.customer_refresh_days)
    if age >= timedelta(days=cycle):
        return True
    slot = zlib.crc32(item["id"].encode()) % cycle
    return age >= timedelta(hours=20) and slot == (now - datetime(1970, 1, 1, tzinfo=UTC)).days % cycle


