"""What one sync run may spend and what it saw: shared by the resources and the runner."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pipelines.api.errors import RequestBudgetExhausted, XentralError
from pipelines.xentral.listed_ids import ListedIds
from pipelines.xentral.listing import WalkLog


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
    """The budget and the outcome of one run.

    A resource that runs out of budget, or whose requests keep failing, stops cleanly
    after yielding what it has: what was fetched is loaded and its position saved, so the
    next run continues there. `failure` then makes the run exit non-zero.

    A run loads in steps of about `rows_per_load` rows: once a step has fetched that many,
    each walk pauses at its next page boundary, the step loads, and the next step continues
    the paused walks (`walks` keeps what each saw), so memory does not grow with the instance.
    """

    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    time_budget_seconds: float | None = None
    on_progress: ProgressListener | None = None
    clock: Callable[[], float] = time.monotonic
    requests_made: Callable[[], int] = lambda: 0
    stop_reason: str | None = None
    failure: XentralError | None = None
    rows_per_load: int | None = None
    complete_listings: dict[str, ListedIds] = field(default_factory=dict)
    progress: dict[str, ResourceProgress] = field(default_factory=dict)
    walks: dict[str, WalkLog] = field(default_factory=dict)
    loads: int = 0

    def __post_init__(self) -> None:
        self._deadline = (
            None if self.time_budget_seconds is None else self.clock() + self.time_budget_seconds
        )
        self._rows_this_load = 0

    def walk(self, resource: str) -> WalkLog:
        """The log of `resource`'s walk in this run, carried across its loads."""
        return self.walks.setdefault(resource, WalkLog())

    def start_load(self) -> None:
        """A new step of extracting then loading begins."""
        self.loads += 1
        self._rows_this_load = 0

    def load_due(self) -> bool:
        """This step fetched its share of rows: walks pause so it can load."""
        return self.rows_per_load is not None and self._rows_this_load >= self.rows_per_load

    def paused_resources(self) -> list[str]:
        """Resources whose walk paused for a load and continues in the next step."""
        return [resource for resource, walk in self.walks.items() if walk.paused]

    @property
    def should_stop(self) -> bool:
        return self.stop_reason is not None or self.failure is not None

    def check_time(self) -> None:
        """Raise `RequestBudgetExhausted` once the time budget is spent."""
        if self._deadline is not None and self.clock() >= self._deadline:
            raise RequestBudgetExhausted(
                f"time budget of {self.time_budget_seconds:.0f} s reached"
            )

    def stopped(self, reason: RequestBudgetExhausted) -> None:
        self.stop_reason = str(reason)

    def failed(self, error: XentralError) -> None:
        self.failure = self.failure or error

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
            self.on_progress(resource, progress, self.requests_made())
