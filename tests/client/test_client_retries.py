"""Which GETs are retried, how patiently, and what is raised when patience runs out."""

from collections.abc import Callable

import pytest
import requests
import requests_mock as rm

from pipelines.api.client import RetryPolicy, XentralClient
from pipelines.api.errors import RequestBudgetExhausted, RetriesExhaustedError, XentralError
from pipelines.api.ratelimit import RateLimiter
from tests.client.conftest import FakeClock
from tests.client.helpers import BASE_URL

ORDER_URL = f"{BASE_URL}/api/v1/salesOrders/17"
GOOD = {"json": {"data": {"id": "17"}}}


@pytest.mark.parametrize(
    "failure",
    [
        {"status_code": 500},
        {"status_code": 502},
        {"status_code": 503},
        {"status_code": 504},
        {"exc": requests.exceptions.ReadTimeout},
        {"exc": requests.exceptions.ConnectTimeout},
        {"exc": requests.exceptions.ConnectionError},
        {"exc": requests.exceptions.ChunkedEncodingError},
        {"text": '{"data": {"id": "1', "headers": {"Content-Type": "application/json"}},  # truncated
    ],
    ids=[
        "500",
        "502",
        "503",
        "504",
        "read-timeout",
        "connect-timeout",
        "connection-error",
        "chunked",
        "truncated-json",
    ],
)
def test_transient_failures_are_retried_then_succeed(
    client: XentralClient, requests_mock: rm.Mocker, backoff_sleeps: list[float], failure: dict
) -> None:
    requests_mock.get(ORDER_URL, [failure, failure, GOOD])
    assert client.get_data("/api/v1/salesOrders/17") == {"id": "17"}
    assert requests_mock.call_count == 3
    assert client.requests_made == 3
    assert client.retries == 2
    assert backoff_sleeps == [0.25, 0.5]  # half of 0.5 * 2**n with zero jitter


def test_retries_exhausted_names_the_request_and_the_last_failure(
    client: XentralClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ORDER_URL, status_code=503, reason="Service Unavailable")
    with pytest.raises(RetriesExhaustedError) as raised:
        client.get_data("/api/v1/salesOrders/17")
    assert str(raised.value) == "GET /api/v1/salesOrders/17 failed after 5 attempts: 503 Service Unavailable"
    assert requests_mock.call_count == 5


def test_exhausted_message_for_a_page_shows_its_query(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE_URL}/api/v1/salesOrders", exc=requests.exceptions.ReadTimeout)
    with pytest.raises(
        RetriesExhaustedError,
        match=r"^GET /api/v1/salesOrders\?page\[number\]=3&page\[size\]=50 "
        r"failed after 5 attempts: no answer within 30 s$",
    ):
        client.get_page("/api/v1/salesOrders", number=3)


def test_backoff_grows_and_is_capped(
    make_client: Callable[..., XentralClient], requests_mock: rm.Mocker, backoff_sleeps: list[float]
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=7, backoff_base=1.0, backoff_max=4.0))
    requests_mock.get(ORDER_URL, status_code=500)
    with pytest.raises(RetriesExhaustedError):
        client.get_data("/api/v1/salesOrders/17")
    assert backoff_sleeps == [0.5, 1.0, 2.0, 2.0, 2.0, 2.0]


def test_jitter_spreads_the_backoff_within_its_step() -> None:
    policy = RetryPolicy(backoff_base=1.0)
    assert policy.backoff_seconds(3, 0.0) == 2.0
    assert policy.backoff_seconds(3, 0.999) == pytest.approx(3.998)


def test_a_503_retry_after_is_honoured(
    client: XentralClient, requests_mock: rm.Mocker, backoff_sleeps: list[float]
) -> None:
    requests_mock.get(ORDER_URL, [{"status_code": 503, "headers": {"Retry-After": "12"}}, GOOD])
    client.get_data("/api/v1/salesOrders/17")
    assert backoff_sleeps == [12.0]


@pytest.mark.parametrize("status", [400, 401, 403, 406, 501])
def test_client_errors_are_not_retried(client: XentralClient, requests_mock: rm.Mocker, status: int) -> None:
    requests_mock.get(ORDER_URL, status_code=status, json={"message": "no"})
    with pytest.raises(XentralError):
        client.get_data("/api/v1/salesOrders/17")
    assert requests_mock.call_count == 1


def test_429_is_waited_out_and_never_counts_as_an_attempt(
    make_client: Callable[..., XentralClient],
    requests_mock: rm.Mocker,
    limiter: RateLimiter,
    clock: FakeClock,
    backoff_sleeps: list[float],
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=2))
    too_many = {"status_code": 429, "headers": {"Retry-After": "7", "X-RateLimit-Remaining": "0"}}
    requests_mock.get(ORDER_URL, [too_many] * 6 + [{"status_code": 500}, GOOD])
    assert client.get_data("/api/v1/salesOrders/17") == {"id": "17"}
    assert requests_mock.call_count == 8
    assert clock.sleeps == [7.0] * 6  # the limiter's sleeps: exactly the Retry-After, no more
    assert (limiter.waits, limiter.waited_seconds) == (6, 42.0)
    assert client.rate_limited == 6
    assert client.retries == 1 and backoff_sleeps == [0.25]


def test_429_waiting_is_capped_per_request(
    make_client: Callable[..., XentralClient], requests_mock: rm.Mocker, clock: FakeClock
) -> None:
    client = make_client(max_rate_limit_wait=100)
    requests_mock.get(ORDER_URL, status_code=429, headers={"Retry-After": "30"})
    with pytest.raises(
        RetriesExhaustedError, match=r"^GET /api/v1/salesOrders/17 was still rate limited \(429\) after waiting 90 s"
    ):
        client.get_data("/api/v1/salesOrders/17")
    assert clock.sleeps == [30.0, 30.0, 30.0]
    assert requests_mock.call_count == 4


def test_every_request_goes_through_the_limiter(
    make_client: Callable[..., XentralClient], requests_mock: rm.Mocker, clock: FakeClock
) -> None:
    limiter = RateLimiter(limit=4, headroom=0.25, clock=clock, sleep=clock.sleep)  # budget 3 a minute
    client = make_client(limiter=limiter)
    requests_mock.get(ORDER_URL, json={"data": {}}, headers={"X-RateLimit-Limit": "4"})
    for _ in range(4):
        client.get_data("/api/v1/salesOrders/17")
    assert clock.sleeps == [60.0]


def test_the_limiter_observes_every_answer(
    make_client: Callable[..., XentralClient], requests_mock: rm.Mocker, clock: FakeClock
) -> None:
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    client = make_client(limiter=limiter)
    requests_mock.get(
        ORDER_URL, json={"data": {}}, headers={"X-RateLimit-Limit": "200", "X-RateLimit-Remaining": "150"}
    )
    client.get_data("/api/v1/salesOrders/17")
    assert limiter.limit == 200


def test_request_budget_stops_before_sending(
    make_client: Callable[..., XentralClient], requests_mock: rm.Mocker
) -> None:
    client = make_client(max_requests=3)
    requests_mock.get(ORDER_URL, [{"status_code": 500}, GOOD, GOOD])
    client.get_data("/api/v1/salesOrders/17")  # two requests: a failure and its retry
    client.get_data("/api/v1/salesOrders/17")
    with pytest.raises(
        RequestBudgetExhausted, match=r"budget of 3 requests used up; GET /api/v1/salesOrders/17 was not sent"
    ):
        client.get_data("/api/v1/salesOrders/17")
    assert requests_mock.call_count == 3
    assert client.requests_made == 3


def test_request_budget_also_bounds_retries(
    make_client: Callable[..., XentralClient], requests_mock: rm.Mocker
) -> None:
    client = make_client(max_requests=2)
    requests_mock.get(ORDER_URL, status_code=502)
    with pytest.raises(RequestBudgetExhausted):
        client.get_data("/api/v1/salesOrders/17")
    assert requests_mock.call_count == 2
