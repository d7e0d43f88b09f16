"""The one HTTP client for the Xentral REST API.

Everything about talking to Xentral lives here: the base URL, bearer auth, the rate limiter, which
requests may be retried, pagination and filter encoding. Nothing else builds URLs or sleeps.

Retry rules:
- GETs are retried on 500/502/503/504, timeouts, dropped or cut-off connections and a 2xx whose
  body is not valid JSON (a truncated answer), with bounded exponential backoff and jitter.
- A 429 is waited out (``Retry-After``) and resent everywhere, the import included (the server
  refused it, so nothing was created). It never counts as an attempt; only the total time spent
  waiting on 429s for one request is capped (``max_rate_limit_wait``).
- The import POST is never resent after it may have reached the server: a timeout, a dropped
  connection or a 5xx raise ``ImportOutcomeUnknown``. If the connection could not even be opened
  (DNS, refused, TLS, connect timeout) it raises ``UnreachableError``: the order was not created.
"""

from __future__ import annotations

import logging
import os
import random
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import orjson
import requests
from requests.cookies import RequestsCookieJar, merge_cookies
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

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
from pipelines.api.instance import base_url_for
from pipelines.api.ratelimit import RateLimiter, parse_retry_after

logger = logging.getLogger("pipelines.api.client")

MAX_PAGE_SIZE = 50
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
IMPORT_PATH = "/api/v1/salesOrders/actions/import"
IMPORT_SCOPE = "salesOrder:create"
ACCEPT_READ = "application/json, application/problem+json"
"""What the spec declares for the answers of the GETs: JSON, and problem details for a 400."""
ACCEPT_IMPORT = "text/html, application/problem+json"
"""What the spec declares for the import's answers: the 201 as text/html (empty), the 400 as problem details."""
CONNECTION_CHECK_PATH = "/api/v1/shippingMethods"
CONNECTION_CHECK_PAGE_SIZE = 10  # the spec says sizes "usually" run 10 to 50; stay inside that
_TRANSIENT_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
_CONFLICT_PROBLEM_TYPES = ("/problems/conflict", "/problems/conflictItems")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})

QueryParams = list[tuple[str, str]]


def _package_version() -> str:
    try:
        return version("xentral-sync")
    except PackageNotFoundError:
        return "0+unknown"


DEFAULT_USER_AGENT = f"xentral-sync/{_package_version()}"


@dataclass(frozen=True)
class Filter:
    """One AND-ed filter triple. Dates go as strings with their offset (see ``format_timestamp``).

    Encoded in the spec's deepObject form, ``filter[i][key]``, ``filter[i][op]``, ``filter[i][value]``.
    A list value (for ``in``/``notIn``) is sent indexed like the filter list itself,
    ``filter[i][value][0]=a&filter[i][value][1]=b``, which PHP (Xentral's server side) parses into
    the same array as the ``[]`` form.
    """

    key: str
    op: str
    value: str | Sequence[str]

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            values = tuple(self.value)
            if not values:
                raise ValueError(f"filter on {self.key!r} with {self.op!r} needs at least one value")
            object.__setattr__(self, "value", values)

    def query_params(self, index: int) -> QueryParams:
        prefix = f"filter[{index}]"
        params = [(f"{prefix}[key]", self.key), (f"{prefix}[op]", self.op)]
        if isinstance(self.value, str):
            params.append((f"{prefix}[value]", self.value))
        else:
            params.extend((f"{prefix}[value][{position}]", item) for position, item in enumerate(self.value))
        return params


@dataclass(frozen=True)
class Order:
    """One sort key, sent as ``order[i][field]`` and ``order[i][dir]`` (lower case)."""

    field: str
    direction: str = "asc"

    def __post_init__(self) -> None:
        direction = self.direction.lower()
        if direction not in ("asc", "desc"):
            raise ValueError(f"sort direction must be 'asc' or 'desc', not {self.direction!r}")
        object.__setattr__(self, "direction", direction)

    def query_params(self, index: int) -> QueryParams:
        return [(f"order[{index}][field]", self.field), (f"order[{index}][dir]", self.direction)]


@dataclass
class Page:
    """One page of a list endpoint."""

    items: list[dict[str, Any]]
    number: int
    size: int
    total_count: int | None
    server_time: datetime | None  # from the HTTP Date header: the server's clock when it answered

    @property
    def is_last(self) -> bool:
        """Xentral gives no next link: the last page is short or empty, or reaches ``totalCount``."""
        if len(self.items) < self.size:
            return True
        return self.total_count is not None and self.number * self.size >= self.total_count


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


@dataclass
class CreatedOrder:
    """What the import answers: the new order's URL (made absolute) and the id at its end."""

    order_id: str | None
    location: str


@dataclass(frozen=True)
class _Failure:
    """A retryable failure of one attempt, summarized for logs and the final error."""

    summary: str
    status: int | None = None
    retry_after: float | None = None
    never_sent: bool = False  # the connection could not be opened: the server saw nothing


def page_query(number: int, size: int, filters: Sequence[Filter] = (), order: Sequence[Order] = ()) -> QueryParams:
    """Query parameters for one page of a list, in the spec's deepObject form."""
    if number < 1:
        raise ValueError(f"page numbers start at 1, not {number}")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"page size must be between 1 and {MAX_PAGE_SIZE}, not {size}")
    params: QueryParams = [("page[number]", str(number)), ("page[size]", str(size))]
    for index, condition in enumerate(filters):
        params.extend(condition.query_params(index))
    for index, sort_key in enumerate(order):
        params.extend(sort_key.query_params(index))
    return params


def describe_request(method: str, path: str, params: Sequence[tuple[str, str]] = ()) -> str:
    """``GET /api/v1/salesOrders?page[number]=3&...`` with the query unencoded, for messages and logs."""
    query = "&".join(f"{name}={value}" for name, value in params)
    return f"{method} {path}?{query}" if query else f"{method} {path}"


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
        self.limiter = limiter or RateLimiter()
        self._retry = retry or RetryPolicy()
        self._timeout = timeout
        self._max_requests = max_requests
        self._session = session or environment_session(self.base_url)
        self._headers = {
            "Authorization": f"Bearer {self._token}",
            "User-Agent": user_agent,
        }
        self._header_cache: tuple[tuple[tuple[str, Any], ...] | None, CaseInsensitiveDict[str]] = (
            None, CaseInsensitiveDict()
        )
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
        if not _is_success(response):
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
            if not _is_success(response):
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
        if not _is_success(response):
            raise self._error_for(request, response)
        if not isinstance(body, dict) or "data" not in body:
            raise self._not_xentral(request, response, ", JSON without a 'data' member")
        return body["data"]

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
            except _TRANSIENT_EXCEPTIONS as exc:
                raise self._import_failure(request, payload, _failure_from_exception(exc, self._timeout)) from exc
            if response.status_code == 429:
                rate_limit_waited += self._wait_out_rate_limit(request, response, rate_limit_waited)
                continue
            if response.status_code >= 500:
                failure = _Failure(f"{response.status_code} {response.reason}", status=response.status_code)
                raise self._import_failure(request, payload, failure)
            if _is_success(response):
                return self._created_order(request, response)
            raise self._error_for(request, response, scope=IMPORT_SCOPE)  # a 403 may come without a body to name it

    # ---- sending and retrying ------------------------------------------------------------

    def _get(self, request: str, path: str, params: QueryParams) -> tuple[requests.Response, Any]:
        """GET until an answer that is not retryable; returns it with its JSON body (None unless 2xx)."""
        failures = 0
        rate_limit_waited = 0.0
        while True:
            outcome = self._attempt_get(request, path, params, attempt=failures + 1)
            if isinstance(outcome, _Failure):
                failures += 1
                if failures >= self._retry.max_attempts:
                    raise self._exhausted(request, outcome, failures)
                self._back_off(request, outcome, failures)
            elif outcome[0].status_code == 429:
                rate_limit_waited += self._wait_out_rate_limit(request, outcome[0], rate_limit_waited)
            else:
                return outcome

    def _attempt_get(
        self, request: str, path: str, params: QueryParams, attempt: int
    ) -> tuple[requests.Response, Any] | _Failure:
        try:
            response = self._send_once("GET", path, params, request, attempt=attempt, accept=ACCEPT_READ)
        except _TRANSIENT_EXCEPTIONS as exc:
            return _failure_from_exception(exc, self._timeout)
        status = response.status_code
        if status in RETRYABLE_STATUSES:
            retry_after = parse_retry_after(response.headers.get("Retry-After"), time.time())
            return _Failure(f"{status} {response.reason}", status=status, retry_after=retry_after)
        if not _is_success(response):
            return response, None
        if not _may_be_json(response):  # an HTML page, plain text: a wrong host, not a failure to retry
            raise self._not_xentral(request, response)
        try:
            return response, _json_body(response)
        except ValueError:
            return _Failure(
                f"{status} with a cut-off or invalid JSON body ({len(response.content)} bytes)", status=status
            )

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
    ) -> requests.Response:
        """Send one request through the budget and the rate limiter; no retrying here."""
        if not path.startswith("/"):
            raise ValueError(f"paths start with '/', e.g. /api/v1/salesOrders, not {path!r}")
        self._count_request(request)
        ticket = self.limiter.acquire()
        started = time.perf_counter()
        try:
            prepared = self._prepared(method, path, params, json_body)
            prepared.headers["Accept"] = accept  # a strict server answers 406 to anything its spec does not declare
            response = self._session.send(
                prepared,
                timeout=self._timeout,
                allow_redirects=method == "GET",  # a redirected POST would silently turn into a GET
                **self._environment_settings(prepared.url),
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

    def _prepared(
        self, method: str, path: str, params: QueryParams, json_body: dict[str, Any] | None
    ) -> requests.PreparedRequest:
        """The request ``Session.request`` would build, without its per-call merging of settings.

        That merging (through ``typing`` protocol checks) cost more than the rest of a request's
        local work. The session's headers, cookies, auth and hooks still apply as requests
        applies them; ``~/.netrc`` never does (it would replace the token).
        """
        url = self.base_url + path + (f"?{urlencode(params)}" if params else "")  # as requests encodes params
        cookies = merge_cookies(RequestsCookieJar(), self._session.cookies)
        prepared = requests.PreparedRequest()
        # `PreparedRequest.prepare`, step by step, so that what does not change costs no work
        prepared.prepare_method(method)
        prepared.prepare_url(url, None)
        prepared.headers = self._request_headers()
        if cookies:
            prepared.prepare_cookies(cookies)
        else:  # building an empty Cookie header walks the cookie jar's policy machinery
            prepared._cookies = cookies  # where requests keeps them for redirects and answers' cookies
        prepared.prepare_body(None, None, json_body)
        if self._session.auth is not None:  # `base_url_for` leaves no credentials in the URL for requests to use
            prepared.prepare_auth(self._session.auth, url)
        prepared.prepare_hooks(self._session.hooks)
        return prepared

    def _request_headers(self) -> CaseInsensitiveDict[str]:
        """The session's headers under ours, validated by requests once for as long as the session's stay the same."""
        session_headers = tuple(self._session.headers.items())
        source, template = self._header_cache
        if session_headers != source:
            merged = CaseInsensitiveDict(self._session.headers)
            merged.update(self._headers)
            prepared = requests.PreparedRequest()
            prepared.prepare_headers({name: value for name, value in merged.items() if value is not None})
            source, template = self._header_cache = (session_headers, prepared.headers)
        return template.copy()  # the body's headers go into the copy

    def _environment_settings(self, url: str) -> dict[str, Any]:
        """Proxy and CA settings to send with: none of its own for a session that does not trust
        the environment (``Session.send`` then uses the session's), else the environment's for ``url``."""
        if not self._session.trust_env:
            return {}
        return self._session.merge_environment_settings(url, {}, None, None, None)

    def reserve(self, requests: int, purpose: str) -> None:
        """Refuse up front work needing more requests than the budget has left, so a pair of
        requests (a customer's view and its addresses) is never cut in half."""
        with self._counter_lock:
            if self._max_requests is not None and self.requests_made + requests > self._max_requests:
                raise RequestBudgetExhausted(
                    f"request budget of {self._max_requests} requests used up; {purpose} was not started"
                )

    def _count_request(self, request: str) -> None:
        with self._counter_lock:
            if self._max_requests is not None and self.requests_made >= self._max_requests:
                raise RequestBudgetExhausted(
                    f"request budget of {self._max_requests} requests used up; {request} was not sent"
                )
            self.requests_made += 1

    def _back_off(self, request: str, failure: _Failure, failures: int) -> None:
        delay = self._retry.backoff_seconds(failures, self._jitter())
        if failure.retry_after is not None:
            delay = max(delay, min(failure.retry_after, self._max_rate_limit_wait))
        logger.warning(
            "%s: %s; retrying in %.1f s (attempt %d of %d)",
            request,
            failure.summary,
            delay,
            failures + 1,
            self._retry.max_attempts,
        )
        with self._counter_lock:
            self.retries += 1
        self._sleep(delay)

    def _wait_out_rate_limit(self, request: str, response: requests.Response, waited_so_far: float) -> float:
        """Sleep through a 429 and return the seconds slept; give up once the cap would be passed."""
        delay = self.limiter.retry_after_seconds(response.headers)
        if waited_so_far + delay > self._max_rate_limit_wait:
            raise RetriesExhaustedError(
                f"{request} was still rate limited (429) after waiting {waited_so_far:.0f} s; the limit is "
                "shared with every integration calling from this IP: try again later or ask Xentral to raise it",
                request=request,
                last_status=429,
                last_failure="429 Too Many Requests",
            )
        with self._counter_lock:
            self.rate_limited += 1
        logger.info("%s: 429 Too Many Requests; waiting %.1f s before resending", request, delay)
        return self.limiter.wait_for_retry_after(response.headers)

    # ---- turning answers into results and errors ----------------------------------------

    def _page_from(self, request: str, response: requests.Response, body: Any, number: int, size: int) -> Page:
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise self._not_xentral(request, response, ", JSON without the list envelope {data: [...], extra: {...}}")
        extra = _member_dict(body, "extra")
        page_info = _member_dict(extra, "page")
        return Page(
            items=body["data"],
            number=number,
            size=_as_int(page_info.get("size")) or size,  # the server's own size, should it clamp ours
            total_count=_as_int(extra.get("totalCount")),
            server_time=_server_time(response),
        )

    def _created_order(self, request: str, response: requests.Response) -> CreatedOrder:
        location = response.headers.get("Location", "")
        if not location:
            logger.warning(
                "%s answered %d without a Location header: the new order's id is unknown", request, response.status_code
            )
            return CreatedOrder(order_id=None, location="")
        absolute = urljoin(self.base_url + "/", location)
        id_at_end = re.search(r"/(\d+)/?$", urlsplit(absolute).path)
        return CreatedOrder(order_id=id_at_end.group(1) if id_at_end else None, location=absolute)

    def _error_for(self, request: str, response: requests.Response, scope: str = "") -> XentralError:
        """The exception for a final answer that is neither a success nor retryable (`scope`: the one
        the request needs, where known)."""
        status = response.status_code
        detail = self._redact(_body_detail(response))
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
        problem = _json_or_none(response)
        if not isinstance(problem, dict):
            problem = {"title": response.text.strip()[:200] or response.reason}
        summary = self._redact(summarize_problem(problem))
        message = f"{request} was rejected with {response.status_code}: {summary}"
        problem_type = str(problem.get("type", ""))
        if response.status_code == 409 or problem_type.endswith(_CONFLICT_PROBLEM_TYPES):
            return ConflictError(message, problem)
        return ValidationFailedError(message, problem)

    def _not_xentral(self, request: str, response: requests.Response, detail: str = "") -> NotXentralError:
        content_type = _content_type(response) or "without a content type"
        return NotXentralError(
            f"{self.base_url} does not answer like Xentral: {request} returned "
            f"{response.status_code} {content_type}{detail}; check the instance host"
        )

    def _exhausted(self, request: str, failure: _Failure, attempts: int) -> XentralError:
        if failure.never_sent:
            return UnreachableError(f"cannot reach {self.base_url}: {failure.summary} ({request}, {attempts} attempts)")
        return RetriesExhaustedError(
            f"{request} failed after {attempts} attempts: {failure.summary}",
            request=request,
            last_status=failure.status,
            last_failure=failure.summary,
        )

    def _import_failure(self, request: str, payload: dict[str, Any], failure: _Failure) -> XentralError:
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


def environment_session(base_url: str) -> requests.Session:
    """A session that reads proxy and CA-bundle settings from the environment once.

    requests re-reads them on every request (about a millisecond each, more than the rest of
    the client's own work on a page); and ``~/.netrc`` can never replace the token.
    """
    session = requests.Session()
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False
    return session


def _checked_token(token: str) -> str:
    stripped = (token or "").strip()
    if not stripped:
        raise ConfigError("no API token: set XENTRAL_API_TOKEN (a Personal Access Token created in Xentral)")
    if not stripped.isascii() or not stripped.isprintable() or " " in stripped:
        raise ConfigError(
            "the API token contains spaces, line breaks or non-ASCII characters: copy it again into XENTRAL_API_TOKEN"
        )
    return stripped


def _failure_from_exception(exc: requests.RequestException, timeout: float) -> _Failure:
    if isinstance(exc, requests.ConnectionError):
        reason = _connect_failure_reason(exc)
        if reason is not None:
            return _Failure(reason, never_sent=True)
        return _Failure("the connection dropped before the answer was complete")
    if isinstance(exc, requests.Timeout):
        return _Failure(f"no answer within {timeout:g} s")
    return _Failure("the answer was cut off")


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


def _is_success(response: requests.Response) -> bool:
    return 200 <= response.status_code < 300


def _content_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _may_be_json(response: requests.Response) -> bool:
    """A JSON media type (``application/json``, ``...+json``), or none and a body that starts like JSON."""
    content_type = _content_type(response)
    if content_type:
        return content_type.endswith(("/json", "+json"))
    return response.content.lstrip()[:1] in (b"{", b"[")


def _json_body(response: requests.Response) -> Any:
    """What ``response.json()`` returns, decoded about twice as fast by orjson where both agree.

    orjson reads UTF-8 only and refuses what requests' decoder would read differently (other
    encodings, a byte order mark, NaN, out-of-range floats, lone surrogates); those bodies, and
    invalid JSON, go to ``response.json()``, which raises as before. The one difference: an
    integer beyond 64 bits becomes a float, not an int (no Xentral field holds one, and dlt
    could not write such an int anyway).
    """
    if (response.encoding or "utf-8").lower() in _UTF8_NAMES:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            pass
    return response.json()


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _body_detail(response: requests.Response) -> str:
    """`` (server message)`` from a JSON ``message`` or a short plain-text body, else empty."""
    body = _json_or_none(response)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        text = body["message"]
    elif body is None and "html" not in _content_type(response):
        text = response.text
    else:
        return ""
    text = " ".join(text.split())[:200]
    return f" ({text})" if text else ""


def _member_dict(container: dict[str, Any], key: str) -> dict[str, Any]:
    """``container[key]`` if it is a JSON object, else an empty one (optional envelope parts)."""
    member = container.get(key)
    return member if isinstance(member, dict) else {}


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _server_time(response: requests.Response) -> datetime | None:
    date = response.headers.get("Date")
    if not date:
        return None
    try:
        return parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return None
