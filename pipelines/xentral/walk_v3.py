"""Resumable keyset walks over v3 lists sorted by `updatedAt,id`, the next page fetched while the
current one is processed.

v3's cursor pages a keyset: each page starts after the last row of the one before, by its sort key.
Sorted by `updatedAt,id`, a row changed while the walk runs moves behind it and is met again; none
is skipped, and none shifts as with offset paging. A walk filters `updatedAt >= since` (and
`<= until` in a backfill window). Its position in the resource state holds the cursor after the
last consumed page (`next_cursor`), so a run that stopped (a budget, a failure, a kill before the
load) resumes with the same filters exactly there: a thousand orders saved in the same second
(an import) cannot hold a walk in place, as resuming from a time would.

Within a run a walk pauses at page boundaries for the run's loads; its `Keyset` (in the run's
`WalkLog`) keeps the listing, the next cursor, the adaptive page size and the page already being
fetched, so the next step picks up exactly there. While the consumer works on a page, a thread
fetches the next one: local work overlaps the waits for the rate limit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipelines.api.client import XentralClient
from pipelines.api.paging import Filter
from pipelines.api.paging_v3 import PageSizing, V3Listing, V3Page
from pipelines.api.timestamps import format_timestamp
from pipelines.xentral.walk import MayFetch, WalkLog


@dataclass
class Keyset:
    """Where this run's walk of a v3 list is: its listing, the next cursor, the page size, and the
    next page if it is already being fetched."""

    listing: V3Listing
    sizing: PageSizing
    cursor: str | None = None
    pending: Future[V3Page] | None = field(default=None, repr=False)

    def page(self, client: XentralClient) -> V3Page:
        """The next page: the one fetched ahead, else fetched now."""
        pending, self.pending = self.pending, None
        if pending is not None:
            return pending.result()
        return client.get_v3_page(self.listing, self.sizing, cursor=self.cursor)

    def fetch_ahead(self, client: XentralClient) -> None:
        """Start fetching the page after `cursor` in a thread of its own (daemon: a Ctrl-C does not
        wait for its answer)."""
        pending: Future[V3Page] = Future()
        cursor = self.cursor

        def fetch() -> None:
            try:
                pending.set_result(client.get_v3_page(self.listing, self.sizing, cursor=cursor))
            except BaseException as error:  # noqa: BLE001 - handed to the consumer, who raises it
                pending.set_exception(error)

        self.pending = pending
        threading.Thread(target=fetch, name="xentral-fetch-ahead", daemon=True).start()


def keyset_filters(since: datetime | None, until: datetime | None) -> list[Filter]:
    filters = []
    if since is not None:
        filters.append(Filter("updatedAt", "greaterThanOrEquals", format_timestamp(since)))
    if until is not None:
        filters.append(Filter("updatedAt", "lessThanOrEquals", format_timestamp(until)))
    return filters


def keyset_pages(
    client: XentralClient,
    listing: V3Listing,
    largest: int,
    position: MutableMapping[str, Any],
    log: WalkLog,
    pause: Callable[[], bool] = lambda: False,
    may_fetch: MayFetch = lambda purpose: True,
) -> Iterator[V3Page]:
    """Yield the pages of `listing` from the position on; each consumed page's cursor goes into
    `position["next_cursor"]` (the consumer records its newest `updatedAt` itself).

    After each consumed page that is not the last, `pause()` may end the walk for a load
    (`log.paused`); when `may_fetch` refuses a request the walk ends there (`log.stopped`).
    """
    if log.keyset is None:
        cursor = position.get("next_cursor")
        log.from_first_page = cursor is None
        log.keyset = Keyset(listing, PageSizing(largest), cursor)
    keyset = log.keyset
    log.paused = log.stopped = False
    while True:
        if keyset.pending is None and not may_fetch(f"a page of {keyset.listing.path}"):
            log.stopped = True
            return
        page = keyset.page(client)
        position.setdefault("started_at", (page.server_time or datetime.now(UTC)).isoformat())
        log.listed_ids.update(_ids(page.items))
        keyset.cursor = page.next_cursor
        if not page.is_last and may_fetch(f"a page of {keyset.listing.path}"):
            keyset.fetch_ahead(client)
        yield page
        position["next_cursor"] = page.next_cursor  # consumed: a later run resumes after it
        if page.is_last:
            return
        if keyset.pending is None:  # the budget refused the next page
            log.stopped = True
            return
        if pause():
            log.paused = True
            return


def _ids(items: Sequence[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items if item.get("id") is not None]
