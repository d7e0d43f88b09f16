"""The one client, built from settings: for the dlt source, the import and the lookups alike."""

from __future__ import annotations

from pipelines.api.client import RetryPolicy, XentralClient
from pipelines.api.instance import base_url_for
from pipelines.api.ratelimit import RateLimiter, WaitCallback
from pipelines.settings import Settings


def xentral_client(
    instance_host: str,
    api_token: str,
    *,
    rate_limit: int,
    rate_window_seconds: float,
    rate_headroom: float,
    request_timeout: float,
    max_attempts: int,
    retry_backoff_seconds: float,
    max_requests: int | None = None,
    on_wait: WaitCallback | None = None,
) -> XentralClient:
    """A client paced, retried and timed out as given (its limiter is ``client.limiter``)."""
    limiter = RateLimiter(limit=rate_limit, window_seconds=rate_window_seconds, headroom=rate_headroom,
                          on_wait=on_wait)
    return XentralClient(
        base_url_for(instance_host),
        api_token,
        limiter=limiter,
        retry=RetryPolicy(max_attempts=max_attempts, backoff_base=retry_backoff_seconds),
        timeout=request_timeout,
        max_requests=max_requests,
    )


def client_for(
    settings: Settings, *, headroom: float | None = None, on_wait: WaitCallback | None = None
) -> XentralClient:
    """The client of a command (import, lookups) from its settings; `headroom` replaces the sync's."""
    host, token = settings.require_instance()
    return xentral_client(
        host,
        token,
        rate_limit=settings.rate_limit,
        rate_window_seconds=settings.rate_window_seconds,
        rate_headroom=settings.rate_headroom if headroom is None else headroom,
        request_timeout=settings.request_timeout,
        max_attempts=settings.max_attempts,
        retry_backoff_seconds=settings.retry_backoff_seconds,
        on_wait=on_wait,
    )
