"""A request counts in our window from its answer, and the client's session reads the environment once."""

import pytest

from pipelines.api.ratelimit import RateLimiter
from tests.client.conftest import FakeClock


def make_limiter(clock: FakeClock, **options: object) -> RateLimiter:
    return RateLimiter(clock=clock, sleep=clock.sleep, wall_clock=clock.wall, **options)


def test_a_slot_frees_a_window_after_the_answer_not_after_the_send(clock: FakeClock) -> None:
    limiter = make_limiter(clock, limit=2, window_seconds=10.0, headroom=0.0)
    first = limiter.acquire()
    clock.now = 1.0  # the answer took a second: the server counted it somewhere in between
    limiter.answered(first)
    limiter.answered(limiter.acquire())
    clock.now = 10.5  # a window after the send, but not after the answer
    limiter.acquire()
    assert clock.sleeps == [pytest.approx(0.5)]
    assert clock.now == pytest.approx(11.0)


def test_without_latency_the_full_limit_is_used_per_window(clock: FakeClock) -> None:
    limiter = make_limiter(clock, limit=5, window_seconds=10.0, headroom=0.0)
    for _ in range(5):
        limiter.answered(limiter.acquire())
    assert clock.sleeps == []
    limiter.answered(limiter.acquire())
    assert clock.now == pytest.approx(10.0)


def test_an_answer_slower_than_a_window_still_counts_from_its_arrival(clock: FakeClock) -> None:
    limiter = make_limiter(clock, limit=1, window_seconds=10.0, headroom=0.0)
    ticket = limiter.acquire()
    clock.now = 25.0
    limiter.answered(ticket)
    limiter.acquire()
    assert clock.now == pytest.approx(35.0)


def test_answers_out_of_order_each_move_their_own_request(clock: FakeClock) -> None:
    limiter = make_limiter(clock, limit=2, window_seconds=10.0, headroom=0.0)
    older = limiter.acquire()
    clock.now = 1.0
    newer = limiter.acquire()
    clock.now = 2.0
    limiter.answered(newer)
    clock.now = 3.0
    limiter.answered(older)  # answered last: counts from 3, the newer one from 2
    limiter.acquire()
    assert clock.now == pytest.approx(12.0)
    limiter.acquire()
    assert clock.now == pytest.approx(13.0)
