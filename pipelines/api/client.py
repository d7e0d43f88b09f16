"""The one HTTP client for the Xentral REST API.

Everything about talking to Xentral lives here: the base URL, bearer auth, the rate limiter, which
requests may be retried, pagination. Nothing else builds URLs or sleeps.

Retry rules (the policy is ours; tenacity runs it):
- GETs are retried on 500/502/503/504, timeouts, dropped or cut-off connections and a 2xx whose
  body is cut-off JSON, with bounded exponential backoff and jitter (`RetryPolicy`).
- A 429 is waited out (``Retry-After``) and resent everywhere, the import included (the server
  refused it, so nothing was created). It never counts as an attempt; only the total time spent
  waiting on 429s for one request is capped (``max_rate_limit_wait``).
- The import POST is never resent after it may have reached the server: a timeout, a dropped
  connection or a 5xx raise ``ImportOutcomeUnknown``. If the connection could not even be opened
  (DNS, refused, TLS, connect timeout) it raises ``UnreachableError``: the order was not created.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import requests
import tenacity
from requests.auth import AuthBase

from pipelines.api import answers
from pipelines.api.endpoints import IMPORT_PATH
from pipelines.api.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    ImportOutcomeUnknown,
    NotXentralError,
    PermissionDeniedError,
    RequestBudgetExhausted,
    RetriesExhaustedError,
    UnreachableError,
    ValidationFailedError,
    XentralError,
    summarize_problem,
)
from pipelines.api.failures import (
    RETRYABLE_STATUSES,
    TRANSIENT_EXCEPTIONS,
    Failure,
    RetryableFailure,
    failure_from_exception,
)
from pipelines.api.instance import base_url_for
from pipelines.api.paging import MAX_PAGE_SIZE, Filter, Order, Page, QueryParams, describe_request, page_query
from pipelines.api.paging_v3 import V3_REFUSALS, PageSizing, V3Listing, V3Page, V3Probe, v3_page_from
from pipelines.api.ratelimit import RateLimiter, parse_retry_after
from pipelines.interrupts import raise_if_interrupted

logger = logging.getLogger("pipelines.api.client")

IMPORT_SCOPE = "salesOrder:create"
ACCEPT_READ = "application/json, application/problem+json"
"""What the spec declares for the answers of the GETs: JSON, and problem details for a 400."""
ACCEPT_IMPORT = "text/html, application/problem+json"
"""What the spec declares for the import's answers: the 201 as text/html (empty), the 400 as problem details."""
CONNECTION_CHECK_PATH = "/api/v1/shippingMethods"
CONNECTION_CHECK_PAGE_SIZE = 10  # the spec says sizes "usually" run 10 to 50; stay inside that
_CONFLICT_PROBLEM_TYPES = ("/problems/conflict", "/problems/conflictItems")


def _package_version() -> str:
    try:
        return version("xentral-sync")
    except PackageNotFoundError:
        return "0+unknown"


DEFAULT_USER_AGENT = f"xentral-sync/{_package_version()}"


@dataclass
class RetryPolicy:
    """How often and how patiently retryable failures are retried (429s are not counted here)."""

    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0

    def backoff_seconds(self, failures: int, jitter: float) -> float:
        """Wait after the ``failures``-th failure: half of the capped exponential step is fixed,
        the other half scaled by ``jitter`` in [0, 1), so parallel clients spread out."""
        step = min(self.backoff_max, self.backoff_base * 2.0 ** (failures - 1))
        return step / 2 + step / 2 * jitter


@dataclass(frozen=True)
class _Sent:
    """What every attempt of one GET sends besides its query: extra headers, and its timeout."""

    headers: Mapping[str, str]
    timeout: float


@dataclass(frozen=True)
class CreatedOrder:
    """What the import answers: the new order's id, where its ``Location`` names one of this instance."""

    order_id: str | None


class _BearerToken(AuthBase):
    """``Authorization: Bearer <token>``; given per request, so ``~/.netrc`` never replaces it."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request


class XentralClient:
    """Talks to one Xentral instance. Thread-safe as far as its counters and limiter go."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        max_requests: int | None = None,
        session: requests.Session | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        max_rate_limit_wait: float = 3600.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = base_url_for(base_url)
        self._token = _checked_token(token)
        self._auth = _BearerToken(self._token)
        self.limiter = limiter or RateLimiter()
        self._retry = retry or RetryPolicy()
        self._timeout = timeout
        self._max_requests = max_requests
        self._session = session or requests.Session()
        self._user_agent = user_agent
        self._max_rate_limit_wait = max_rate_limit_wait
        self._sleep = sleep
        self._jitter = jitter
        self._counter_lock = threading.Lock()
        self.requests_made = 0  # every HTTP request actually sent, retries and 429 resends included
        self.retries = 0  # resends after a retryable failure
        self.rate_limited = 0  # 429 answers waited out

    def __repr__(self) -> str:
        return f"XentralClient(base_url={self.base_url!r}, requests_made={self.requests_made})"

    # ---- reading -------------------------------------------------------------------------

    def get_page(
        self,
        path: str,
        *,
        number: int,
        size: int = MAX_PAGE_SIZE,
        filters: Sequence[Filter] = (),
        order: Sequence[Order] = (),
    ) -> Page:
        """One page of a list endpoint (``number`` from 1, ``size`` up to 50)."""
        params = page_query(number, size, filters, order)
        request = describe_request("GET", path, params)
        response, body = self._get(request, path, params)
        if not answers.is_success(response):
            raise self._error_for(request, response)
        return self._page_from(request, response, body, number, size)

    def iter_pages(
        self,
        path: str,
        *,
        size: int = MAX_PAGE_SIZE,
        filters: Sequence[Filter] = (),
        order: Sequence[Order] = (),
        start_page: int = 1,
    ) -> Iterator[Page]:
        """Pages from ``start_page`` on, stopping at the last without asking for one more."""
        number = start_page
        while True:
            page = self.get_page(path, number=number, size=size, filters=filters, order=order)
            yield page
            if page.is_last:
                return
            number += 1

    def get_all_items(self, path: str) -> list[dict[str, Any]] | None:
        """Every item of a paged list that belongs to one record (a customer's addresses), all
        pages; None when that record does not exist (404)."""
        items: list[dict[str, Any]] = []
        number = 1
        while True:
            params = page_query(number, MAX_PAGE_SIZE)
            request = describe_request("GET", path, params)
            response, body = self._get(request, path, params)
            if response.status_code == 404:
                return None
            if not answers.is_success(response):
                raise self._error_for(request, response)
            page = self._page_from(request, response, body, number, MAX_PAGE_SIZE)
            items.extend(page.items)
            if page.is_last:
                return items
            number += 1

    def get_data(self, path: str) -> Any:
        """The ``data`` of a single resource; None when the resource does not exist (404)."""
        request = describe_request("GET", path)
        response, body = self._get(request, path, [])
        if response.status_code == 404:
            return None
        if not answers.is_success(response):
            raise self._error_for(request, response)
        if not isinstance(body, dict) or "data" not in body:
            raise self._not_xentral(request, response, ", JSON without a 'data' member")
        return body["data"]

    def get_v3_page(
        self, listing: V3Listing, sizing: PageSizing, *, cursor: str | None = None, page: int | None = None
    ) -> V3Page:
        """One page of a v3 list (the first, or the one `cursor` or `page` names) at `sizing`'s size.

        While the size can still shrink, a page gets one attempt: a timeout or a 5xx at 1000 orders
        more likely comes from the page's size than from chance, and asking again for half costs less
        than waiting out the retries. At the smallest size the usual retries apply.
        """
        while True:
            params = listing.query(sizing.size, cursor=cursor, page=page)
            request = describe_request("GET", listing.path, params)
            shrinkable = sizing.can_shrink
            try:
                response, body = self._get(request, listing.path, params, headers=listing.headers,
                                           timeout=sizing.timeout(self._timeout), attempts=1 if shrinkable else None)
            except (RetriesExhaustedError, UnreachableError) as failure:
                if not shrinkable:
                    raise
                logger.warning("%s; asking again for %d rows a page", failure, sizing.shrink())
                continue
            if not answers.is_success(response):
                raise self._error_for(request, response)
            found = v3_page_from(body, listing.mode, answers.server_time(response))
            if found is None:
                raise self._not_xentral(request, response, ", JSON without v3's envelope {data: [...], meta: {...}}")
            sizing.succeeded()
            return found

    def probe_v3(self, listing: V3Listing) -> V3Probe:
        """Whether the instance answers `listing` as v3 does: its first row, or why not.

        404 (no v3 on this instance), 403 (a feature flag off, or a scope the token lacks) and 400
        (a v3 that does not take this request: a filter, sort or include it does not offer) are
        refusals; anything else fails as any request does.
        """
        params = listing.query(1)
        request = describe_request("GET", listing.path, params)
        response, body = self._get(request, listing.path, params, headers=listing.headers)
        if response.status_code in V3_REFUSALS:
            return V3Probe(None, f"{request} answered {response.status_code} {response.reason}")
        if not answers.is_success(response):
            raise self._error_for(request, response)
        found = v3_page_from(body, listing.mode, answers.server_time(response))
        if found is None:
            return V3Probe(None, f"{request} answered without v3's list envelope")
        return V3Probe(found, None)

    def check_connection(self, path: str = CONNECTION_CHECK_PATH) -> None:
        """One cheap GET proving that the host is Xentral and accepts the token.

        Raises ``AuthenticationError``, ``PermissionDeniedError`` (the token lacks the scope for
        ``path``: pass a list path the token may read), ``NotXentralError`` or ``UnreachableError``.
        """
        page = self.get_page(path, number=1, size=CONNECTION_CHECK_PAGE_SIZE)
        logger.info("connected to %s (%s answered %s rows)", self.base_url, path, page.total_count)

    # ---- writing -------------------------------------------------------------------------

    def create_sales_order(self, payload: dict[str, Any]) -> CreatedOrder:
        """Import one sales order. Sent at most once unless the server refused it with 429."""
        request = describe_request("POST", IMPORT_PATH)
        rate_limit_waited = 0.0
        while True:
            try:
                response = self._send_once(
                    "POST", IMPORT_PATH, [], request, attempt=1, accept=ACCEPT_IMPORT, json_body=payload
                )
            except TRANSIENT_EXCEPTIONS as exc:
                raise self._import_failure(request, payload, failure_from_exception(exc, self._timeout)) from exc
            if response.status_code == 429:
                rate_limit_waited += self._wait_out_rate_limit(request, response, rate_limit_waited)
                continue
            if response.status_code >= 500:
                failure = Failure(f"{response.status_code} {response.reason}", status=response.status_code)
                raise self._import_failure(request, payload, failure)
            if answers.is_success(response):
                return self._created_order(request, response)
            raise self._error_for(request, response, scope=IMPORT_SCOPE)  # a 403 may come without a body to name it

    # ---- the request budget ----------------------------------------------------------------

    def allows(self, requests: int) -> bool:
        """Whether the request budget (``max_requests``) leaves room for ``requests`` more."""
        with self._counter_lock:
            return self._max_requests is None or self.requests_made + requests <= self._max_requests

    def budget_spent(self, purpose: str) -> str:
        """Why work for ``purpose`` is not started: the budget's line for the run's summary."""
        return f"request budget of {self._max_requests} requests used up; {purpose} was not started"

    # ---- sending and retrying ------------------------------------------------------------

    def _get(
        self,
        request: str,
        path: str,
        params: QueryParams,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        attempts: int | None = None,
    ) -> tuple[requests.Response, Any]:
        """GET until an answer that is not retryable; returns it with its JSON body (None unless 2xx).

        `headers` go with the request, `timeout` replaces the client's, `attempts` its `max_attempts`.
        """
        attempts = attempts or self._retry.max_attempts
        sent = _Sent(headers or {}, timeout or self._timeout)
        rate_limit_waited = [0.0]
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(attempts),
            wait=self._backoff,
            retry=tenacity.retry_if_exception_type(RetryableFailure),
            before_sleep=lambda state: self._note_retry(request, state, attempts),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._attempt_get(request, path, params, attempt.retry_state.attempt_number,
                                             rate_limit_waited, sent)
        except RetryableFailure as exhausted:
            raise self._exhausted(request, exhausted.failure, attempts) from None
        raise AssertionError("tenacity ends with an answer or an exception")  # pragma: no cover

    def _attempt_get(
        self, request: str, path: str, params: QueryParams, attempt: int, rate_limit_waited: list[float],
        sent: _Sent,
    ) -> tuple[requests.Response, Any]:
        """One attempt (429s waited out and resent within it); raises `RetryableFailure` when retryable."""
        while True:
            try:
                response = self._send_once("GET", path, params, request, attempt=attempt, accept=ACCEPT_READ,
                                           headers=sent.headers, timeout=sent.timeout)
            except TRANSIENT_EXCEPTIONS as exc:
                raise RetryableFailure(failure_from_exception(exc, sent.timeout)) from None
            if response.status_code != 429:
                break
            rate_limit_waited[0] += self._wait_out_rate_limit(request, response, rate_limit_waited[0])
        status = response.status_code
        if status in RETRYABLE_STATUSES:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), time.time())
            raise RetryableFailure(Failure(f"{status} {response.reason}", status=status, retry_after=retry_after))
        if not answers.is_success(response):
            return response, None
        if not answers.may_be_json(response):  # an HTML page, plain text: a wrong host, not a failure to retry
            raise self._not_xentral(request, response)
        try:
            return response, answers.json_body(response)
        except ValueError:
            failure = Failure(f"{status} with a cut-off or invalid JSON body ({len(response.content)} bytes)", status)
            raise RetryableFailure(failure) from None

    def _backoff(self, state: tenacity.RetryCallState) -> float:
        """Seconds before the next attempt: our backoff, or longer where a 503 asks for it."""
        delay = self._retry.backoff_seconds(state.attempt_number, self._jitter())
        failure = _failure_of(state)
        if failure.retry_after is not None:
            delay = max(delay, min(failure.retry_after, self._max_rate_limit_wait))
        return delay

    def _note_retry(self, request: str, state: tenacity.RetryCallState, attempts: int) -> None:
        logger.warning(
            "%s: %s; retrying in %.1f s (attempt %d of %d)",
            request,
            _failure_of(state).summary,
            state.upcoming_sleep,
            state.attempt_number + 1,
            attempts,
        )
        with self._counter_lock:
            self.retries += 1

    def _send_once(
        self,
        method: str,
        path: str,
        params: QueryParams,
        request: str,
        *,
        attempt: int,
        accept: str,
        json_body: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> requests.Response:
        """Send one request through the budget and the rate limiter; no retrying here."""
        if not path.startswith("/"):
            raise ValueError(f"paths start with '/', e.g. /api/v1/salesOrders, not {path!r}")
        raise_if_interrupted()
        self._count_request(request)
        ticket = self.limiter.acquire()
        started = time.perf_counter()
        try:
            response = self._session.request(
                method,
                self.base_url + path,
                params=params,
                json=json_body,
                # a strict server answers 406 to a media type its spec does not declare
                headers={**(headers or {}), "Accept": accept, "User-Agent": self._user_agent},
                auth=self._auth,
                timeout=timeout or self._timeout,
                allow_redirects=method == "GET",  # a redirected POST would silently turn into a GET
            )
        except requests.RequestException as exc:
            logger.debug(
                "%s -> %s in %.3f s (attempt %d)", request, type(exc).__name__, time.perf_counter() - started, attempt
            )
            raise
        finally:
            self.limiter.answered(ticket)
        logger.debug(
            "%s -> %d in %.3f s (attempt %d)", request, response.status_code, time.perf_counter() - started, attempt
        )
        self.limiter.observe(response.headers)
        return response

    def _count_request(self, request: str) -> None:
        with self._counter_lock:
            if self._max_requests is not None and self.requests_made >= self._max_requests:
                raise RequestBudgetExhausted(
                    f"request budget of {self._max_requests} requests used up; {request} was not sent"
                )
            self.requests_made += 1

    def _wait_out_rate_limit(self, request: str, response: requests.Response, waited_so_far: float) -> float:
        """Sleep through a 429 and return the seconds slept; give up once the cap would be passed."""
        delay = self.limiter.retry_after_seconds(response.headers)
        if waited_so_far + delay > self._max_rate_limit_wait:
            raise RetriesExhaustedError(
                f"{request} was still rate limited (429) after waiting {waited_so_far:.0f} s; the limit is "
                "shared with every integration calling from this IP: try again later or ask Xentral to raise it"
            )
        with self._counter_lock:
            self.rate_limited += 1
        logger.info("%s: 429 Too Many Requests; waiting %.1f s before resending", request, delay)
        return self.limiter.wait_for_retry_after(response.headers)

    # ---- turning answers into results and errors ----------------------------------------

    def _page_from(self, request: str, response: requests.Response, body: Any, number: int, size: int) -> Page:
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise self._not_xentral(request, response, ", JSON without the list envelope {data: [...], extra: {...}}")
        extra = answers.member_dict(body, "extra")
        page_info = answers.member_dict(extra, "page")
        return Page(
            items=body["data"],
            number=number,
            size=answers.as_int(page_info.get("size")) or size,  # the server's own size, should it clamp ours
            total_count=answers.as_int(extra.get("totalCount")),
            server_time=answers.server_time(response),
        )

    def _created_order(self, request: str, response: requests.Response) -> CreatedOrder:
        location = response.headers.get("Location", "")
        order_id = answers.sales_order_id_at(location, self.base_url) if location else None
        if order_id is None:
            named = f"with the Location {location!r}, not a sales order of {self.base_url}" if location else (
                "without a Location header")
            logger.warning("%s answered %d %s: the new order is looked up by its key", request,
                           response.status_code, named)
        return CreatedOrder(order_id=order_id)

    def _error_for(self, request: str, response: requests.Response, scope: str = "") -> XentralError:
        """The exception for a final answer that is neither a success nor retryable (`scope`: the one
        the request needs, where known)."""
        status = response.status_code
        detail = self._redact(answers.body_detail(response))
        if status == 401:
            return AuthenticationError(
                f"{request} was refused with 401: the API token was rejected{detail}; "
                "check XENTRAL_API_TOKEN (tokens expire after at most 180 days)"
            )
        if status == 403:
            return PermissionDeniedError(
                f"{request} was refused with 403: the API token lacks the scope {scope or 'this request needs'}"
                f"{detail}; add the scope to the token in Xentral"
            )
        if status in (400, 409):
            return self._problem_error(request, response)
        if status == 404:
            return self._not_xentral(request, response)
        return XentralError(f"{request} failed with an unexpected {status} {response.reason}{detail}")

    def _problem_error(self, request: str, response: requests.Response) -> ValidationFailedError | ConflictError:
        problem = answers.json_or_none(response)
        if not isinstance(problem, dict):
            problem = {"title": response.text.strip()[:200] or response.reason}
        summary = self._redact(summarize_problem(problem))
        message = f"{request} was rejected with {response.status_code}: {summary}"
        problem_type = str(problem.get("type", ""))
        if response.status_code == 409 or problem_type.endswith(_CONFLICT_PROBLEM_TYPES):
            return ConflictError(message, problem)
        return ValidationFailedError(message, problem)

    def _not_xentral(self, request: str, response: requests.Response, detail: str = "") -> NotXentralError:
        media_type = answers.content_type(response) or "without a content type"
        return NotXentralError(
            f"{self.base_url} does not answer like Xentral: {request} returned "
            f"{response.status_code} {media_type}{detail}; check the instance host"
        )

    def _exhausted(self, request: str, failure: Failure, attempts: int) -> XentralError:
        if failure.never_sent:
            return UnreachableError(f"cannot reach {self.base_url}: {failure.summary} ({request}, {attempts} attempts)")
        return RetriesExhaustedError(f"{request} failed after {attempts} attempts: {failure.summary}")

    def _import_failure(self, request: str, payload: dict[str, Any], failure: Failure) -> XentralError:
        if failure.never_sent:
            return UnreachableError(
                f"cannot reach {self.base_url}: {failure.summary}; {request} was not sent, no order was created"
            )
        reference = payload.get("externalOrderNumber")
        order = f"the order {reference!r}" if reference else "the order"
        return ImportOutcomeUnknown(
            f"{request}: {failure.summary} after the request may have reached Xentral: {order} may or may not "
            "exist; look it up (filter on externalOrderNumber) before sending it again"
        )

    def _redact(self, text: str) -> str:
        """Server text goes into messages; make sure an echoed token never does."""
        return text.replace(self._token, "[redacted]")


def _failure_of(state: tenacity.RetryCallState) -> Failure:
    """The failure of the attempt tenacity is about to retry."""
    error = state.outcome.exception() if state.outcome is not None else None
    assert isinstance(error, RetryableFailure)
    return error.failure


def _checked_token(token: str) -> str:
    stripped = (token or "").strip()
    if not stripped:
        raise ConfigError("no API token: set XENTRAL_API_TOKEN (a Personal Access Token created in Xentral)")
    if not stripped.isascii() or not stripped.isprintable() or " " in stripped:
        raise ConfigError(
            "the API token contains spaces, line breaks or non-ASCII characters: copy it again into XENTRAL_API_TOKEN"
        )
    return stripped


__all__ = [
    "MAX_PAGE_SIZE",
    "CreatedOrder",
    "Filter",
    "Order",
    "Page",
    "RetryPolicy",
    "XentralClient",
    "describe_request",
    "page_query",
]
