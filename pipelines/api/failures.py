"""What went wrong with one attempt, and whether it may be retried (the policy, not the mechanics)."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
TRANSIENT_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
"""A request that raised one of these may or may not have reached the server."""


@dataclass(frozen=True)
class Failure:
    """A retryable failure of one attempt, summarized for logs and the final error."""

    summary: str
    status: int | None = None
    retry_after: float | None = None
    never_sent: bool = False  # the connection could not be opened: the server saw nothing


class RetryableFailure(Exception):
    """Raised by one attempt whose failure may be retried; carries what went wrong."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.summary)
        self.failure = failure


def failure_from_exception(exc: requests.RequestException, timeout: float) -> Failure:
    if isinstance(exc, requests.ConnectionError):
        reason = _connect_failure_reason(exc)
        if reason is not None:
            return Failure(reason, never_sent=True)
        return Failure("the connection dropped before the answer was complete")
    if isinstance(exc, requests.Timeout):
        return Failure(f"no answer within {timeout:g} s")
    return Failure("the answer was cut off")


def _connect_failure_reason(exc: requests.ConnectionError) -> str | None:
    """Why the connection could not be opened, or None if it was opened and then dropped."""
    chain = list(_exception_chain(exc))
    if any(isinstance(link, (NameResolutionError, socket.gaierror)) for link in chain):
        return "the name does not resolve"
    if any(isinstance(link, (requests.exceptions.SSLError, ssl.SSLError)) for link in chain):
        return "the TLS handshake failed"
    if isinstance(exc, requests.ConnectTimeout):
        return "connecting timed out"
    if any(isinstance(link, ConnectionRefusedError) for link in chain):
        return "connection refused"
    if any(isinstance(link, NewConnectionError) for link in chain):
        return "the connection could not be opened"
    return None


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps: causes, contexts, arguments and urllib3's reasons."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending:
        link = pending.pop()
        if id(link) in seen:
            continue
        seen.add(id(link))
        yield link
        wrapped = [link.__cause__, link.__context__, *link.args]
        if isinstance(link, MaxRetryError):
            wrapped.append(link.reason)
        pending.extend(item for item in wrapped if isinstance(item, BaseException))
