"""Build the one HTTP client from a resolved config, for the sync and the lookup commands alike."""

from __future__ import annotations

from pipelines.api.client import RetryPolicy, XentralClient
from pipelines.api.ratelimit import RateLimiter, WaitCallback
from pipelines.xentral.config import SyncConfig


def client_for(
    config: SyncConfig, *, max_requests: int | None = None, on_wait: WaitCallback | None = None
) -> XentralClient:
    """A client paced, retried and timed out as `config` says (its limiter is ``client.limiter``)."""
    limiter = RateLimiter(
        limit=config.rate_limit,
        window_seconds=config.rate_window_seconds,
        headroom=config.rate_headroom,
        on_wait=on_wait,
    )
    return XentralClient(
        config.base_url,
        config.token,
        limiter=limiter,
        retry=RetryPolicy(max_attempts=config.max_attempts, backoff_base=config.retry_backoff_seconds),
        timeout=config.request_timeout,
        max_requests=max_requests,
    )
