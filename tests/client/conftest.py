"""Shared fakes: a clock whose sleep only moves time forward, and a client wired to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pipelines.api.client import XentralClient
from pipelines.api.ratelimit import RateLimiter
from tests.client.helpers import BASE_URL, TOKEN, WALL_CLOCK_START


class FakeClock:
    """Monotonic and wall clock in one; ``sleep`` records the wait and advances both."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wall(self) -> float:
        return WALL_CLOCK_START + self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter(clock: FakeClock) -> RateLimiter:
    return RateLimiter(clock=clock, sleep=clock.sleep, wall_clock=clock.wall)


@pytest.fixture
def backoff_sleeps(clock: FakeClock) -> list[float]:
    """Waits the client itself slept between retries (the limiter's waits are separate)."""
    return []


@pytest.fixture
def make_client(clock: FakeClock, limiter: RateLimiter, backoff_sleeps: list[float]) -> Callable[..., XentralClient]:
    def sleep(seconds: float) -> None:
        backoff_sleeps.append(seconds)
        clock.now += seconds

    def make(**options: Any) -> XentralClient:
        options.setdefault("limiter", limiter)
        return XentralClient(BASE_URL, TOKEN, sleep=sleep, jitter=lambda: 0.0, **options)

    return make


@pytest.fixture
def client(make_client: Callable[..., XentralClient]) -> XentralClient:
    return make_client()
