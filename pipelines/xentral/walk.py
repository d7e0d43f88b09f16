"""Resumable walks over Xentral's offset-paged lists.

Xentral pages by number and size only, so a row deleted (or inserted) before the current
page while we walk shifts every later row by one: a plain walk would silently skip a row.
Every page reports `totalCount`; when it moves between two pages we read the previous page
again, which is where the shifted rows went. Rows seen twice are harmless: tables merge on id.
If that page came back different, rows moved behind the walk (a delete and an insert there
can leave `totalCount` as it was), so the walk lists everything again once it ends.

The walk's position lives in a dict the caller persists (dlt resource state), so a run
stopped by its request budget continues next time from the page it stopped at, re-reading
one page of overlap in case rows moved in between. Within a run, a walk can pause at a page
boundary so the run loads what it has (memory stays flat however large the instance); its
`WalkLog` carries what it saw to the next call, which picks up at the next page. Before each
request the walk asks `may_fetch`; when the budget says no, the walk ends where it is.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pipelines.api.client import XentralClient
from pipelines.api.paging import Filter, Order, Page
from pipelines.api.timestamps import parse_timestamp
from pipelines.xentral.listed_ids import ListedIds
from pipelines.xentral.settings import PAGE_SIZE

if TYPE_CHECKING:
    from pipelines.xentral.walk_v3 import Keyset

MAX_PASSES = 3
"""Walks of a listing that keeps changing under us; what changes after the last is next run's."""

MAX_REREADS = 10
"""Reads of the page before a shift until it and the current page agree on `totalCount`."""

BY_ID = (Order("id", "asc"),)
"""Sorting by id puts rows created during the walk at the end, where they shift nothing."""


@dataclass
class WalkLog:
    """What a walk saw in this run, kept across the run's loads.

    `listed_ids` are the ids its current pass listed; `from_first_page` is None until the
    walk's first page in this run, then whether it began at page 1; `moved_behind` says rows
    moved behind the current pass; `paused` says it stopped at a page boundary for a load
    and continues in this run, `stopped` that the run's budget ended it. `unsaved_position`
    holds the position of a walk that is not saved between runs (a backfill window). `keyset`
    is where a v3 walk is in this run (`walk_v3.Keyset`), None for v1's offset walks.
    """

    listed_ids: ListedIds = field(default_factory=ListedIds)
    from_first_page: bool | None = None
    last_total: int | None = None
    last_page_ids: list[str] = field(default_factory=list)
    moved_behind: bool = False
    passes: int = 1
    paused: bool = False
    stopped: bool = False
    unsaved_position: dict[str, Any] = field(default_factory=dict)
    keyset: Keyset | None = None

    def start_pass(self) -> None:
        self.passes += 1
        self.listed_ids = ListedIds()
        self.last_total = None
        self.last_page_ids = []
        self.moved_behind = False

    def listing_is_exact(self, final_total: int | None) -> bool:
        """The pass listed what exists now: nothing moved behind it, and the counts agree."""
        return not self.moved_behind and final_total in (None, len(self.listed_ids))


MayFetch = Callable[[str], bool]
"""Asked before each request with what it is for; False ends the walk there (a spent budget)."""


def walk_pages(
    client: XentralClient,
    path: str,
    filters: Sequence[Filter],
    position: MutableMapping[str, Any],
    log: WalkLog,
    pause: Callable[[], bool] = lambda: False,
    may_fetch: MayFetch = lambda purpose: True,
) -> Iterator[Page]:
    """Yield the pages of a listing from `position["next_page"]`, advancing it as each is consumed.

    `position["started_at"]` records the server's time at the first page (its `Date`
    header, else ours): anything changed after it is for the next run to list.
    A walk that started at page 1 and saw rows move behind it, or listed a different number
    of rows than the last page's `totalCount` (rows deleted after they were listed, or
    inserted behind it), walks again, up to `MAX_PASSES` in all, so that `log.listed_ids`
    is what exists now. New rows arriving at the end change nothing.
    After each consumed page that is not the last, `pause()` may stop the walk for a load.
    A walk the budget stopped (`may_fetch`) is neither paused nor done: `log.stopped` says so.
    """
    continuing = log.from_first_page is not None
    if not continuing:
        log.from_first_page = int(position.get("next_page", 1)) == 1
    log.paused = log.stopped = False
    while True:
        final_total = yield from _walk_once(client, path, filters, position, log, pause, may_fetch,
                                            continuing=continuing)
        if log.paused or log.stopped or not log.from_first_page or log.listing_is_exact(final_total) \
                or log.passes >= MAX_PASSES:
            return
        position["next_page"] = 1
        position.pop("unsettled", None)
        log.start_pass()
        continuing = False


def _walk_once(
    client: XentralClient,
    path: str,
    filters: Sequence[Filter],
    position: MutableMapping[str, Any],
    log: WalkLog,
    pause: Callable[[], bool],
    may_fetch: MayFetch,
    *,
    continuing: bool,
) -> Generator[Page, None, int | None]:
    """One pass from the position to the last page (or a pause); returns the last page's `totalCount`.

    Resuming an earlier run's walk re-reads one page of overlap; continuing this run's
    walk after a load picks up at the next page, its last `totalCount` still in the log.
    """
    next_page = int(position.get("next_page", 1))
    number = next_page - 1 if next_page > 1 and not continuing else next_page

    def fetch(page_number: int) -> Page | None:
        if not may_fetch(f"page {page_number} of {path}"):
            log.stopped = True
            return None
        return client.get_page(path, number=page_number, size=PAGE_SIZE, filters=filters, order=BY_ID)

    while True:
        page = fetch(number)
        if page is None:
            return None
        position.setdefault("started_at", _server_time(page).isoformat())
        rereads = 0
        while _rows_shifted(log.last_total, page) and number > 1:
            # Read the previous page again; if the listing moved again meanwhile, this page too,
            # until both come from one state of the listing and so cover every row between them.
            if rereads == MAX_REREADS:
                position["unsettled"] = True  # a row may have been skipped: see `walk_may_have_skipped`
                break
            rereads += 1
            again = fetch(number - 1)
            if again is None:
                return None
            log.moved_behind |= _ids(again) != log.last_page_ids
            log.last_total, log.last_page_ids = again.total_count, _ids(again)
            yield _logged(log, again)
            if _rows_shifted(again.total_count, page):
                page = fetch(number)
                if page is None:
                    return None
        log.last_total = page.total_count
        log.last_page_ids = _ids(page)
        yield _logged(log, page)
        position["next_page"] = number + 1
        if page.is_last:
            return page.total_count
        if pause():
            log.paused = True
            return None
        number += 1


def _ids(page: Page) -> list[str]:
    return [item["id"] for item in page.items if item.get("id") is not None]


def _logged(log: WalkLog, page: Page) -> Page:
    log.listed_ids.update(_ids(page))
    return page


def walk_may_have_skipped(position: MutableMapping[str, Any]) -> bool:
    """The listing kept moving through `MAX_REREADS` re-reads in the walk's last pass, so a row
    may never have been listed: its cursor must not move past it."""
    return bool(position.get("unsettled"))


def walk_started_at(position: MutableMapping[str, Any]) -> datetime | None:
    """When the walk began, by the server's clock; None before its first page."""
    started_at = position.get("started_at")
    return parse_timestamp(started_at) if started_at else None


def _rows_shifted(previous_total: int | None, page: Page) -> bool:
    return previous_total is not None and page.total_count is not None and page.total_count != previous_total


def _server_time(page: Page) -> datetime:
    return page.server_time or datetime.now(UTC)
