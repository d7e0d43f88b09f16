"""Request statistics: answers per operation id, 429s, 5xx faults, 401s, recent request lines."""
from __future__ import annotations

import threading
from collections import Counter, deque


class Stats:
    """Counts API requests (admin requests are not counted).

    An operation's count is the number of requests routed to it that were answered with
    anything but 429 or 401: those never reached the operation and are counted apart.
    """

    def __init__(self, recent: int = 200) -> None:
        self._lock = threading.Lock()
        self._recent: deque[str] = deque(maxlen=recent)
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._operations: Counter[str] = Counter()
            self._statuses: Counter[int] = Counter()
            self._recent.clear()

    def record(self, operation: str | None, status: int, line: str) -> None:
        """line: method, path and query of the request (never its headers)."""
        with self._lock:
            self._statuses[status] += 1
            self._recent.append(f"{line} -> {status}")
            if operation and status not in (401, 429):
                self._operations[operation] += 1

    def count(self, operation: str) -> int:
        with self._lock:
            return self._operations[operation]

    def total(self) -> int:
        """Requests answered by an operation (see the class docstring)."""
        with self._lock:
            return sum(self._operations.values())

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "operations": dict(self._operations),
                "total": sum(self._operations.values()),
                "rateLimited": self._statuses[429],
                "serverErrors": sum(n for status, n in self._statuses.items() if status >= 500),
                "unauthorized": self._statuses[401],
                "statuses": {str(status): n for status, n in sorted(self._statuses.items())},
                "recent": list(self._recent),
            }
