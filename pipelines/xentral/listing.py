"""Resumable walks over Xentral's offset-paged lists.

Xentral pages by number and size only, so a row deleted (or inserted) before the current
page while we walk shifts every later row by one: a plain walk would silently skip a row.
Every page reports `totalCount`; when it moves between two pages we read the previous page
again, which is where the shifted rows went. Rows seen twice are harmless: tables merge on id.

The walk's position lives in a dict the caller persists (dlt resource state), so a run
stopped by its request budget continues next time from the page it stopped at, re-reading
one page of overlap in case rows moved in between.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pipelines.xentral.client import Filter, Order, Page, XentralClient
from pipelines.xentral.settings import PAGE_SIZE
from pipelines.xentral.timestamps import parse_timestamp

MAX_PASSES = 3
"""Walks of a listing that keeps changing under us; what changes after the last is next run's."""

BY_ID = (Order("id", "asc"),)
"""Sorting by id puts rows created during the walk at the end, where they shift nothing."""


@dataclass
class WalkLog:
    """What a walk saw: the ids listed by its last pass."""

    listed_ids: set[str] = field(default_factory=set)


def walk_pages(
    client: XentralClient,
    path: str,
    filters: Sequence[Filter],
    position: MutableMapping[str, Any],
    log: WalkLog,
) -> Iterator[Page]:
    """Yield the pages of a listing from `position["next_page"]`, advancing it as each is consumed.

    `position["started_at"]` records the server's time at the first page (its `Date`
    header, else ours): anything changed after it is for the next run to list.
    A walk that started at page 1 and listed a different number of rows than the last
    page's `totalCount` saw the listing change under it (rows deleted after they were
    listed, or inserted behind it): it walks again, up to `MAX_PASSES` in all, so that
    `log.listed_ids` is what exists now. New rows arriving at the end change nothing.
    """
    resumed = int(position.get("next_page", 1)) > 1
    for _ in range(MAX_PASSES):
        final_total = yield from _walk_once(client, path, filters, position, log)
        if resumed or final_total is None or final_total == len(log.listed_ids):
            break
        position["next_page"] = 1
        log.listed_ids = set()


def _walk_once(
    client: XentralClient,
    path: str,
    filters: Sequence[Filter],
    position: MutableMapping[str, Any],
    log: WalkLog,
) -> Generator[Page, None, int | None]:
    """One pass from the position to the last page; returns the last page's `totalCount`."""
    next_page = int(position.get("next_page", 1))
    number = next_page - 1 if next_page > 1 else 1  # resuming: one page of overlap
    previous_total: int | None = None
    while True:
        page = client.get_page(path, number=number, size=PAGE_SIZE, filters=filters, order=BY_ID)
        position.setdefault("started_at", _server_time(page).isoformat())
        if _rows_shifted(previous_total, page) and number > 1:
            yield _logged(log, client.get_page(path, number=number - 1, size=PAGE_SIZE, filters=filters, order=BY_ID))
        previous_total = page.total_count
        yield _logged(log, page)
        position["next_page"] = number + 1
        if page.is_last:
            return page.total_count
        number += 1


def _logged(log: WalkLog, page: Page) -> Page:
    log.listed_ids.update(item["id"] for item in page.items)
    return page


def walk_started_at(position: MutableMapping[str, Any]) -> datetime | None:
    """When the walk began, by the server's clock; None before its first page."""
    started_at = position.get("started_at")
    return parse_timestamp(started_at) if started_at else None


def _rows_shifted(previous_total: int | None, page: Page) -> bool:
    return previous_total is not None and page.total_count is not None and page.total_count != previous_total


def _server_time(page: Page) -> datetime:
    return page.server_time or datetime.now(UTC)
