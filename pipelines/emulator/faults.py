"""Deterministic fault injection (seeded by `fault_seed`)."""
from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass

from .knobs import EmulatorSettings

ERROR_STATUSES = (500, 502, 503)


@dataclass(frozen=True)
class Fault:
    kind: str  # "error", "foreign_429", "drop" or "truncate"
    status: int = 0


class Faults:
    """Draws one random number per enabled fault per request, in a fixed order."""

    def __init__(self, seed: int) -> None:
        self._lock = threading.Lock()
        self.rng = random.Random(seed)
        self._next: dict[str, deque[int]] = {}
        self._churned = 0

    def fail_next(self, operation: str, count: int = 1, status: int = 500) -> None:
        """The next `count` requests of an operation answer `status` (before any other fault);
        replaces what was queued for it, so a count of 0 ends the failures."""
        with self._lock:
            self._next[operation] = deque([status] * count)

    def _roll(self, rate: float) -> bool:
        return rate > 0 and self.rng.random() < rate

    def decide(self, operation: str, settings: EmulatorSettings, has_body: bool) -> Fault | None:
        with self._lock:
            queued = self._next.get(operation)
            if queued:
                return Fault("error", queued.popleft())
            if settings.fail_operations is not None and operation not in settings.fail_operations:
                return None
            if self._roll(settings.error_rate):
                return Fault("error", self.rng.choice(ERROR_STATUSES))
            if self._roll(settings.foreign_429_rate):
                return Fault("foreign_429", 429)
            if self._roll(settings.drop_rate):
                return Fault("drop")
            if has_body and self._roll(settings.truncate_rate):
                return Fault("truncate")
            return None

    def churn(self, settings: EmulatorSettings) -> random.Random | None:
        """The generator to churn with when this list request shifts the data, else None."""
        with self._lock:
            limit = settings.paging_churn_limit
            if (limit and self._churned >= limit) or not self._roll(settings.paging_churn_rate):
                return None
            self._churned += 1
            return self.rng
