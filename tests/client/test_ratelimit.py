import random
import threading
from collections import deque
from email.utils import formatdate

import pytest

from pipelines.api.ratelimit import RateLimiter
from tests.client.conftest import FakeClock


def make_limiter(clock: FakeClock, **options: object) -> RateLimiter:
    return RateLimiter(clock=clock, sleep=clock.sleep, wall_clock=clock.wall, **options)


def send_times(limiter: RateLimiter, clock: FakeClock, count: int) -> list[float]:
    times = []
    for _ in range(count):
        limiter.acquire()
        times.append(clock.now)
    return times


def most_in_any_window(times: list[float], window: float) -> int:
    """Most timestamps in any half-open interval [t, t + window)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] + window <= moment:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_budget_is_the_limit_minus_headroom(clock: FakeClock) -> None:
    assert make_limiter(clock).budget == 90
    assert make_limiter(clock, limit=10, headroom=0.25).budget == 7


def test_bursts_up_to_the_budget_then_paces(clock: FakeClock) -> None:
    limiter = make_limiter(clock)
    times = send_times(limiter, clock, 91)
    assert times[:90] == [0.0] * 90
    assert times[90] == pytest.approx(60.0)
    assert limiter.waits == 1
    assert limiter.waited_seconds == pytest.approx(60.0)


def test_never_more_than_the_budget_in_any_window(clock: FakeClock) -> None:
    limiter = make_limiter(clock)
    times = []
    rng = random.Random(7)
    for _ in range(600):
        clock.now += rng.choice([0.0, 0.0, 0.125, 0.5, 2.0])  # irregular work (binary fractions: exact sums)
        limiter.acquire()
        times.append(clock.now)
    assert most_in_any_window(times, 60.0) == 90


def simulate_sequential_client(
    limiter: RateLimiter, clock: FakeClock, count: int, *, observe: bool
) -> list[tuple[float, float]]:
    """One caller sending one request after another against a server that sees only it.

    Returns (send time, server receive time) pairs. One-way latency varies 0-0.3 s, the server
    takes 0.05-0.3 s, and each answer's X-RateLimit headers come from a sliding-window count.
    """
    rng = random.Random(3)
    received: deque[float] = deque()
    timeline = []
    for _ in range(count):
        limiter.acquire()
        sent = clock.now
        arrival = sent + rng.uniform(0, 0.3)
        received.append(arrival)
        while received[0] + 60 <= arrival:
            received.popleft()
        timeline.append((sent, arrival))
        clock.now = arrival + rng.uniform(0.05, 0.3) + rng.uniform(0, 0.3)
        if observe:
            limiter.observe({"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": str(100 - len(received))})
    return timeline


def test_alone_against_the_server_we_never_draw_a_429(clock: FakeClock) -> None:
    """Every fixed window is one of the sliding windows, so this covers fixed-window servers too."""
    timeline = simulate_sequential_client(make_limiter(clock), clock, 1000, observe=True)
    assert most_in_any_window([arrival for _, arrival in timeline], 60.0) <= 100
    assert most_in_any_window([sent for sent, _ in timeline], 60.0) <= 90


def test_server_headers_barely_slow_us_down_when_alone(clock: FakeClock) -> None:
    """Latency makes the server count a request or two we already let go; that may cost a moment."""
    with_headers = simulate_sequential_client(make_limiter(clock), clock, 400, observe=True)
    other_clock = FakeClock()
    without_headers = simulate_sequential_client(make_limiter(other_clock), other_clock, 400, observe=False)
    assert without_headers[-1][0] > 180  # the run was long enough for pacing to matter
    assert with_headers[-1][0] <= without_headers[-1][0] * 1.02


def test_what_others_use_of_the_shared_limit_shrinks_our_budget(clock: FakeClock) -> None:
    limiter = make_limiter(clock)
    limiter.acquire()
    clock.now = 1.0
    # our log implies 99 left; the server says 49: others use 50, so we keep to 90 - 50 = 40
    limiter.observe({"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "49"})
    times = send_times(limiter, clock, 40)
    assert times[:39] == [1.0] * 39
    assert times[39] == 60.0  # when our first send leaves the window


def test_when_others_leave_nothing_we_wait_for_the_window_then_measure_again(clock: FakeClock) -> None:
    reasons = []
    limiter = make_limiter(clock, on_wait=lambda seconds, reason: reasons.append((seconds, reason)))
    limiter.acquire()
    limiter.observe({"X-RateLimit-Remaining": "3"})
    limiter.acquire()
    assert clock.now == 60.0  # a window after the answer: all it counted has expired
    assert reasons == [(60.0, "other integrations use 96 of the shared 100 requests per window")]


def test_every_answer_replaces_the_estimate(clock: FakeClock) -> None:
    limiter = make_limiter(clock)
    limiter.acquire()
    limiter.observe({"X-RateLimit-Remaining": "3"})
    limiter.observe({"X-RateLimit-Remaining": "99"})  # the other integration stopped
    assert send_times(limiter, clock, 89)[-1] == 0.0


def test_adopts_the_servers_reported_limit(clock: FakeClock) -> None:
    limiter = make_limiter(clock)
    limiter.acquire()
    limiter.observe({"x-ratelimit-limit": "300", "x-ratelimit-remaining": "299"})
    assert limiter.limit == 300
    assert limiter.budget == 270
    assert send_times(limiter, clock, 269)[-1] == 0.0


def test_ignores_missing_and_garbage_headers(clock: FakeClock) -> None:
    limiter = make_limiter(clock)
    limiter.observe({})
    limiter.observe({"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "inf"})
    assert limiter.limit == 100
    assert send_times(limiter, clock, 90)[-1] == 0.0


def test_retry_after_seconds_prefers_retry_after(clock: FakeClock) -> None:
    limiter = make_limiter(clock)
    assert limiter.retry_after_seconds({"Retry-After": "7", "X-RateLimit-Reset": str(int(clock.wall()) + 30)}) == 7
    assert limiter.retry_after_seconds({"Retry-After": "0"}) == 1.0  # bounded below
    http_date = formatdate(clock.wall() + 12, usegmt=True)
    assert limiter.retry_after_seconds({"Retry-After": http_date}) == pytest.approx(12, abs=1)


def test_retry_after_seconds_falls_back_to_reset_then_the_window(clock: FakeClock) -> None:
    limiter = make_limiter(clock)
    reset = int(clock.wall()) + 25
    assert limiter.retry_after_seconds({"X-RateLimit-Reset": str(reset)}) == pytest.approx(25)
    # measured against the server's Date header, not our (here ten minutes fast) clock
    server_now = formatdate(reset - 40, usegmt=True)
    clock.now += 600
    assert limiter.retry_after_seconds({"X-RateLimit-Reset": str(reset), "Date": server_now}) == pytest.approx(40)
    assert limiter.retry_after_seconds({"X-RateLimit-Reset": "15"}) == 15  # a delta, not a Unix time
    assert limiter.retry_after_seconds({}) == 60.0


def test_wait_for_retry_after_sleeps_and_counts(clock: FakeClock) -> None:
    reasons = []
    limiter = make_limiter(clock, on_wait=lambda seconds, reason: reasons.append(reason))
    assert limiter.wait_for_retry_after({"Retry-After": "20", "X-RateLimit-Remaining": "0"}) == 20
    assert clock.sleeps == [20]
    assert (limiter.waits, limiter.waited_seconds) == (1, 20)
    assert "429" in reasons[0]


def test_a_429_holds_back_every_sender_and_replaces_the_remaining_estimate(clock: FakeClock) -> None:
    slept = []

    def sleep(seconds: float) -> None:
        """The first sleep is the 429 thread's; time stands still so another sender comes first."""
        slept.append(seconds)
        if len(slept) > 1:
            clock.now += seconds

    limiter = RateLimiter(clock=clock, sleep=sleep, wall_clock=clock.wall)
    limiter.acquire()
    limiter.observe({"X-RateLimit-Remaining": "0"})  # the 429's own headers
    limiter.wait_for_retry_after({"Retry-After": "10"})
    limiter.acquire()  # the other sender is held until the Retry-After has passed ...
    assert slept == [10, 10]
    assert clock.now == 10.0
    limiter.acquire()  # ... and not a full window more for the stale remaining=0
    assert clock.now == 10.0


def test_concurrent_acquires_are_all_recorded(clock: FakeClock) -> None:
    limiter = make_limiter(clock, limit=1000, headroom=0.0)

    def worker() -> None:
        for _ in range(100):
            limiter.acquire()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.now == 0.0
    limiter.acquire()  # the 801st fits ...
    assert limiter.waits == 0
    send_times(limiter, clock, 199)
    limiter.acquire()  # ... the 1001st does not
    assert limiter.waits == 1
