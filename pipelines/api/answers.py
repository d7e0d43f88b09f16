"""Reading Xentral's answers: bodies, media types, the server's clock, the new order's address."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import orjson
import requests

_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")
_SALES_ORDER_PATH = re.compile(r"/api/v1/salesOrders/(\d+)/?")


def is_success(response: requests.Response) -> bool:
    return 200 <= response.status_code < 300


def content_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def may_be_json(response: requests.Response) -> bool:
    """A JSON media type (``application/json``, ``...+json``), or none and a body that starts like JSON."""
    media_type = content_type(response)
    if media_type:
        return media_type.endswith(("/json", "+json"))
    return response.content.lstrip()[:1] in (b"{", b"[")


def json_body(response: requests.Response) -> Any:
    """What ``response.json()`` returns, decoded by orjson where both agree.

    Pages of a thousand v3 orders run to megabytes; orjson decodes them several times faster.
    It reads UTF-8 only and refuses what requests' decoder would read differently (other
    encodings, a byte order mark, NaN, out-of-range floats); those bodies, and invalid JSON, go to
    ``response.json()``, which raises as before. One difference: an integer beyond 64 bits becomes
    a float (no Xentral field holds one, and dlt could not write such an int anyway).
    """
    if (response.encoding or "utf-8").lower() in _UTF8_NAMES:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            pass
    return response.json()


def json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def body_detail(response: requests.Response) -> str:
    """`` (server message)`` from a JSON ``message`` or a short plain-text body, else empty."""
    body = json_or_none(response)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        text = body["message"]
    elif body is None and "html" not in content_type(response):
        text = response.text
    else:
        return ""
    text = " ".join(text.split())[:200]
    return f" ({text})" if text else ""


def member_dict(container: dict[str, Any], key: str) -> dict[str, Any]:
    """``container[key]`` if it is a JSON object, else an empty one (optional envelope parts)."""
    member = container.get(key)
    return member if isinstance(member, dict) else {}


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def server_time(response: requests.Response) -> datetime | None:
    """The server's clock from its ``Date`` header; None when absent or unreadable.

    A ``Date`` sent twice reaches us joined by a comma (``Thu, 03 Dec ... GMT, Thu, 03 Dec ...``):
    the first date counts. A date without a zone is no instant, so it is not used either.
    """
    header = response.headers.get("Date")
    if not header:
        return None
    first = _HTTP_DATE.search(header)
    try:
        moment = parsedate_to_datetime(first.group(0) if first else header)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def sales_order_id_at(location: str, base_url: str) -> str | None:
    """The id a ``Location`` names, if it names a sales order of this instance; None otherwise.

    ``https://acme.xentral.biz/api/v1/salesOrders/204`` and ``/api/v1/salesOrders/204`` name order
    204; an address on another host or another path (``/api/users/17``) names no sales order.
    """
    absolute = urlsplit(urljoin(base_url + "/", location))
    origin = urlsplit(base_url)
    if (absolute.scheme, absolute.netloc) != (origin.scheme, origin.netloc):
        return None
    found = _SALES_ORDER_PATH.fullmatch(absolute.path)
    return found.group(1) if found else None
