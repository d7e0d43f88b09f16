"""Sliding-window rate limit shared by every client of the server, like Xentral's per-instance limit."""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int = 0  # whole seconds, at least 1 when refused
    reset: int = 0  # Unix time (real clock) when a slot frees up

    def headers(self) -> dict[str, str]:
        headers = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining)}
        if not self.allowed:
            headers.update({"Retry-After": str(self.retry_after), "X-RateLimit-Reset": str(self.reset)})
        return headers


class RateLimiter:
    """`limit` requests in any `window` seconds; a refused request does not use budget."""

    def __init__(self, limit: int, window: float) -> None:
        self._lock = threading.Lock()
        self._hits: deque[float] = deque()
        self.configure(limit, window)

    def configure(self, limit: int, window: float) -> None:
        with self._lock:
            self.limit, self.window = limit, window

    def _expire(self, now: float) -> None:
        while self._hits and self._hits[0] <= now - self.window:
            self._hits.popleft()

    def acquire(self) -> Decision:
        with self._lock:
            now = time.monotonic()
            self._expire(now)
            if len(self._hits) < self.limit:
                self._hits.append(now)
                return Decision(True, self.limit, self.limit - len(self._hits))
            wait = self._hits[0] + self.window - now
            return Decision(False, self.limit, 0, max(1, math.ceil(wait)), math.ceil(time.time() + wait))

    def exhausted(self, retry_after: int) -> Decision:
        """A refusal as if another integration had used the shared budget; gives back the
        slot this request took, since a 429 uses no budget."""
        with self._lock:
            if self._hits:
                self._hits.pop()
        return Decision(False, self.limit, 0, retry_after, math.ceil(time.time() + retry_after))
