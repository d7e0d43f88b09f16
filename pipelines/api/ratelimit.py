"""Client-side rate limiting for Xentral's "100 requests per minute per instance and IP".

Our own requests are kept in a sliding-window log: at most ``floor(limit * (1 - headroom))`` in any
window. Each is logged when sent and moved to the time its answer came back (``answered``): the
server counted it in between, so our window never frees a slot before the server's does, whatever
the latency. Every fixed window is also one of the sliding windows, so against a server counting
either way we stay below its limit when alone, even with no headroom; the headroom leaves room for
other integrations. Requests may burst up to the budget, then are paced by the log.

The limit is shared with every other integration calling from the same IP, which our log cannot
see. ``observe`` compares each answer's ``X-RateLimit-Remaining`` with what our log implies
(limit minus our sends in the window); the difference is what others use, and our budget shrinks
by it. The estimate is replaced by every answer and lapses a window after the last one (by then
everything the server counted for it has expired, in fixed or sliding windows). When others leave
us nothing, we wait for that lapse and measure again.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

logger = logging.getLogger(__name__)

WaitCallback = Callable[[float, str], None]


class RateLimiter:
    """Decides when the next request may be sent; sleeps through an injectable ``sleep``."""

    def __init__(
        self,
        limit: int = 100,
        window_seconds: float = 60.0,
        headroom: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: WaitCallback | None = None,
        *,
        wall_clock: Callable[[], float] = time.time,
        min_retry_wait: float = 1.0,
    ) -> None:
        if limit < 1 or window_seconds <= 0 or not 0 <= headroom < 1:
            raise ValueError("need limit >= 1, window_seconds > 0 and 0 <= headroom < 1")
        self.window_seconds = window_seconds
        self._headroom = headroom
        self._clock = clock
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._on_wait = on_wait
        self._min_retry_wait = min_retry_wait
        self._lock = threading.Lock()
        self._sent: deque[float] = deque()
        self._foreign = 0  # requests of other integrations in the server's window, as last measured
        self._foreign_until = -math.inf  # when that measurement lapses
        self._blocked_until = -math.inf
        self._waits = 0
        self._waited_seconds = 0.0
        self._set_limit(limit)

    @property
    def limit(self) -> int:
        """Requests per window the server allows (as configured, or as last reported by it)."""
        return self._limit

    @property
    def budget(self) -> int:
        """Requests per window we allow ourselves: the limit minus the headroom."""
        return self._budget

    @property
    def waits(self) -> int:
        """How often a sender had to wait (pacing, others' use, 429s), for the run summary."""
        return self._waits

    @property
    def waited_seconds(self) -> float:
        """Seconds spent waiting, summed over all waits (and threads)."""
        return self._waited_seconds

    def acquire(self) -> float:
        """Block until one more request may be sent, and record it as sent; returns the ticket
        to hand to ``answered`` once the answer (or a failure) is back."""
        while True:
            with self._lock:
                now = self._clock()
                delay, reason = self._delay_before_next(now)
                if delay <= 0:
                    self._sent.append(now)
                    return now
            self._pause(delay, reason)

    def answered(self, ticket: float) -> None:
        """Count the request from now on, when its answer is back, rather than from its send.

        The server counts a request when it arrives, somewhere between our send and its
        answer. Counted from the answer, a request leaves our window no earlier than it leaves
        the server's, so latency that varies between requests cannot make us send the
        (limit+1)th into a window: the limit can be used in full (no headroom) without a 429.
        """
        with self._lock:
            if self._sent and self._sent[-1] == ticket:
                self._sent.pop()  # one request at a time: its ticket is the newest (remove() scans from the oldest)
            else:
                try:
                    self._sent.remove(ticket)
                except ValueError:
                    pass  # already expired: the request took longer than a window
            self._sent.append(max(self._clock(), self._sent[-1] if self._sent else -math.inf))

    def observe(self, headers: Mapping[str, str]) -> None:
        """Adapt to the server's ``X-RateLimit-Limit`` and ``X-RateLimit-Remaining``."""
        reported_limit = _int_header(headers, "X-RateLimit-Limit")
        remaining = _int_header(headers, "X-RateLimit-Remaining")
        with self._lock:
            if reported_limit is not None and reported_limit >= 1 and reported_limit != self._limit:
                logger.info("server reports a rate limit of %d per window (was %d)", reported_limit, self._limit)
                self._set_limit(reported_limit)
            if remaining is not None:
                now = self._clock()
                self._forget_expired(now)
                self._foreign = max(0, self._limit - len(self._sent) - remaining)
                self._foreign_until = now + self.window_seconds

    def retry_after_seconds(self, headers: Mapping[str, str]) -> float:
        """How long a 429 asks us to wait: ``Retry-After``, else ``X-RateLimit-Reset``, else a window."""
        delay = parse_retry_after(_header(headers, "Retry-After"), self._wall_clock())
        if delay is None:
            delay = self._seconds_until_reset(headers)
        if delay is None:
            delay = self.window_seconds
        return max(delay, self._min_retry_wait)

    def wait_for_retry_after(self, headers: Mapping[str, str]) -> float:
        """Sleep as long as a 429 asks, holding back every other sender too; returns the seconds slept."""
        delay = self.retry_after_seconds(headers)
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + delay)
            self._foreign_until = -math.inf  # the 429 said when the server frees up; that supersedes it
        self._pause(delay, "the server answered 429 Too Many Requests")
        return delay

    def _set_limit(self, limit: int) -> None:
        self._limit = limit
        self._budget = max(1, math.floor(limit * (1 - self._headroom)))

    def _delay_before_next(self, now: float) -> tuple[float, str]:
        """Seconds until the next send is allowed (<= 0: now), and why we would wait."""
        if now < self._blocked_until:
            return self._blocked_until - now, "waiting out the server's Retry-After"
        self._forget_expired(now)
        foreign = self._foreign if now < self._foreign_until else 0
        allowed = self._budget - foreign
        if len(self._sent) < allowed:
            return 0.0, ""
        # Wait until enough of our sends leave the window, or the estimate of others' use lapses.
        candidates = [self._foreign_until] if foreign else []
        if allowed >= 1:
            candidates.append(self._sent[len(self._sent) - allowed] + self.window_seconds)
        if foreign:
            reason = f"other integrations use {foreign} of the shared {self._limit} requests per window"
        else:
            reason = f"pacing at {self._budget} requests per {self.window_seconds:g} s"
        return min(candidates) - now, reason

    def _forget_expired(self, now: float) -> None:
        while self._sent and self._sent[0] + self.window_seconds <= now:
            self._sent.popleft()

    def _pause(self, seconds: float, reason: str) -> None:
        with self._lock:
            self._waits += 1
            self._waited_seconds += seconds
        logger.debug("rate limiter waits %.2f s: %s", seconds, reason)
        if self._on_wait is not None:
            self._on_wait(seconds, reason)
        self._sleep(seconds)

    def _seconds_until_reset(self, headers: Mapping[str, str]) -> float | None:
        """Seconds until ``X-RateLimit-Reset`` (Unix time), measured against the server's own ``Date``
        when present so that a skewed local clock does not matter. Small values are taken as seconds."""
        reset = _int_header(headers, "X-RateLimit-Reset")
        if reset is None:
            return None
        if reset < 1_000_000_000:
            return float(reset)
        return reset - (_http_date(_header(headers, "Date")) or self._wall_clock())


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a ``Retry-After`` value (delta seconds or an HTTP date, ``now`` as Unix time)."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = _http_date(value)
        return None if when is None else max(0.0, when - now)


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup, for plain dicts as well as requests' header mapping."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((found for key, found in headers.items() if key.lower() == lowered), None)
    return value


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = _header(headers, name)
    if value is None:
        return None
    try:
        return int(float(value))
    except (ValueError, OverflowError):
        logger.debug("ignoring non-numeric %s header %r", name, value)
        return None
