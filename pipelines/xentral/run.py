"""One sync run as the source sees it: its budget, its walks, its counters and how it ended.

A run loads in steps of about `rows_per_load` rows: once a step has fetched that many, each walk
pauses at its next page boundary, the step is loaded, and the next step continues the paused walks
(`walks` keeps what each saw), so memory does not grow with the instance.

Running out of budget is not an error: the walk that would exceed it asks `may_spend` first, the
run notes why it stopped, and whatever was fetched is loaded; the next run continues there.
Requests that keep failing end the run the same way, with `failure` making it exit non-zero.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pipelines.api.client import XentralClient
from pipelines.api.errors import XentralError
from pipelines.api.ratelimit import WaitCallback
from pipelines.xentral.apis import ApiChoice
from pipelines.xentral.known import KnownRows
from pipelines.xentral.listed_ids import ListedIds
from pipelines.xentral.walk import WalkLog


@dataclass
class ResourceProgress:
    """Counters for one resource, for the progress line and the summary."""

    pages: int = 0
    rows: int = 0
    details: int = 0
    done: bool = False


ProgressListener = Callable[[str, ResourceProgress, int], None]
"""Called with a resource, its counters, and the requests the run has made so far."""


@dataclass
class SyncRun:
    """The budget, the walks and the outcome of one run (one per `xentral-sync sync`).

    The source makes its client from its own settings and hands it to the run (`client`), so
    the run can count requests against `max_requests` and report them.
    """

    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    max_requests: int | None = None
    time_budget_seconds: float | None = None
    rows_per_load: int | None = None
    on_progress: ProgressListener | None = None
    on_wait: WaitCallback | None = None
    known: KnownRows | None = None
    """What the destination held before this run; None: the source reads it from its pipeline."""
    clock: Callable[[], float] = time.monotonic
    client: XentralClient | None = None
    stop_reason: str | None = None
    failure: XentralError | None = None
    complete_listings: dict[str, ListedIds] = field(default_factory=dict)
    progress: dict[str, ResourceProgress] = field(default_factory=dict)
    walks: dict[str, WalkLog] = field(default_factory=dict)
    apis: dict[str, ApiChoice] = field(default_factory=dict)
    """The API each resource reads in this run (`apis.py`), chosen at its first step."""
    loads: int = 0

    def __post_init__(self) -> None:
        self._deadline: float | None = None  # the time budget counts from the first fetch
        self._rows_this_load = 0

    @property
    def requests_made(self) -> int:
        return self.client.requests_made if self.client is not None else 0

    @property
    def should_stop(self) -> bool:
        return self.stop_reason is not None or self.failure is not None

    def may_spend(self, requests: int, purpose: str) -> bool:
        """Whether `requests` more fit the time and request budgets; if not, the run stops, saying why.

        A resource whose requests failed does not stop the others: only a spent budget does.
        """
        if self.stop_reason is None and self._deadline is not None and self.clock() >= self._deadline:
            self.stop(f"time budget of {self.time_budget_seconds:.0f} s reached; {purpose} was not started")
        elif self.stop_reason is None and self.client is not None and not self.client.allows(requests):
            self.stop(self.client.budget_spent(purpose))
        return self.stop_reason is None

    def stop(self, reason: str) -> None:
        """End the run cleanly: what was fetched is loaded, and the next run continues there."""
        self.stop_reason = self.stop_reason or reason

    def fail(self, error: XentralError) -> None:
        """End the run after loading what was fetched; the run exits non-zero with `error`."""
        self.failure = self.failure or error

    def walk(self, resource: str) -> WalkLog:
        """The log of `resource`'s walk in this run, carried across its loads."""
        return self.walks.setdefault(resource, WalkLog())

    def start_load(self) -> None:
        """A new step of extracting then loading begins."""
        if self._deadline is None and self.time_budget_seconds is not None:
            self._deadline = self.clock() + self.time_budget_seconds
        self.loads += 1
        self._rows_this_load = 0

    def load_due(self) -> bool:
        """This step fetched its share of rows: walks pause so it can load."""
        return self.rows_per_load is not None and self._rows_this_load >= self.rows_per_load

    def paused_resources(self) -> list[str]:
        """Resources whose walk paused for a load and continues in the next step."""
        return [resource for resource, walk in self.walks.items() if walk.paused]

    def listed_everything(self, table: str, ids: ListedIds) -> None:
        """A complete, unfiltered listing: rows of `table` not in `ids` have vanished."""
        self.complete_listings[table] = ids

    def count(self, resource: str, *, pages: int = 0, rows: int = 0, details: int = 0) -> None:
        progress = self.progress.setdefault(resource, ResourceProgress())
        progress.pages += pages
        progress.rows += rows
        progress.details += details
        self._rows_this_load += rows
        self._notify(resource, progress)

    def finish(self, resource: str) -> None:
        progress = self.progress.setdefault(resource, ResourceProgress())
        progress.done = True
        self._notify(resource, progress)

    def _notify(self, resource: str, progress: ResourceProgress) -> None:
        if self.on_progress is not None:
            self.on_progress(resource, progress, self.requests_made)
