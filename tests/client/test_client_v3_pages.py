"""v3 lists: the query, the three `x-pagination` modes, the adaptive page size and the probe."""

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests_mock as rm

from pipelines.api.client import XentralClient
from pipelines.api.errors import AuthenticationError, NotXentralError, RetriesExhaustedError
from pipelines.api.paging import Filter
from pipelines.api.paging_v3 import GROW_AFTER, SECONDS_PER_ROW, PageSizing, V3Listing
from tests.client.helpers import BASE_URL

PATH = "/api/v3/salesOrders"
URL = BASE_URL + PATH
ORDERS = V3Listing(PATH, filters=[Filter("updatedAt", "greaterThanOrEquals", "2024-03-27T15:13:25+01:00")],
                   include=("lineItems",))


def cursor_body(ids: list[str], next_cursor: str | None) -> dict[str, Any]:
    return {"data": [{"id": order_id} for order_id in ids],
            "meta": {"path": URL, "perPage": 1000, "nextCursor": next_cursor, "prevCursor": None},
            "links": {"first": URL, "last": None, "prev": None, "next": URL if next_cursor else None}}


def sent(request: rm.request._RequestObjectProxy) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(request.url).query, keep_blank_values=True)


def test_a_cursor_page_sends_the_v3_query_and_header_and_reads_the_next_cursor(
    client: XentralClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(URL, json=cursor_body(["1", "2"], "abc"))
    page = client.get_v3_page(ORDERS, PageSizing(1000), cursor="xyz")

    assert sent(requests_mock.last_request) == [
        ("perPage", "1000"), ("sort", "updatedAt,id"), ("include", "lineItems"),
        ("filter[0][key]", "updatedAt"), ("filter[0][op]", "greaterThanOrEquals"),
        ("filter[0][value]", "2024-03-27T15:13:25+01:00"), ("cursor", "xyz"),
    ]
    assert requests_mock.last_request.headers["x-pagination"] == "cursor"
    assert [item["id"] for item in page.items] == ["1", "2"]
    assert page.next_cursor == "abc" and not page.is_last


def test_the_last_cursor_page_has_no_next_cursor(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(URL, json=cursor_body(["3"], None))
    assert client.get_v3_page(ORDERS, PageSizing(1000)).is_last


@pytest.mark.parametrize("mode", ["simple", "table"])
def test_numbered_modes_page_by_number_until_links_next_is_null(
    client: XentralClient, requests_mock: rm.Mocker, mode: str
) -> None:
    listing = V3Listing(PATH, sort="id", mode=mode)
    meta = {"currentPage": 2, "from": 3, "to": 4, "perPage": 2, "path": URL, "total": 5, "lastPage": 3}
    requests_mock.get(URL, [
        {"json": {"data": [{"id": "3"}, {"id": "4"}], "meta": meta, "links": {"next": URL + "?page=3"}}},
        {"json": {"data": [{"id": "5"}], "meta": {**meta, "currentPage": 3}, "links": {"next": None}}},
    ])
    page = client.get_v3_page(listing, PageSizing(2, smallest=2), page=2)
    assert ("page", "2") in sent(requests_mock.last_request)
    assert requests_mock.last_request.headers["x-pagination"] == mode
    assert page.next_page == 3 and page.total == 5
    assert client.get_v3_page(listing, PageSizing(2, smallest=2), page=3).is_last


def test_a_page_that_fails_large_is_asked_for_again_smaller_then_grows_back(
    client: XentralClient, requests_mock: rm.Mocker
) -> None:
    sizes: list[str] = []

    def answer(request: Any, context: Any) -> dict[str, Any]:
        size = dict(sent(request))["perPage"]
        sizes.append(size)
        if size == "1000":
            context.status_code = 504
            return {}
        return cursor_body(["1"], "next")

    requests_mock.get(URL, json=answer)
    sizing = PageSizing(1000)
    client.get_v3_page(ORDERS, sizing)
    assert sizes == ["1000", "500"]  # one attempt at 1000, no retries there
    for _ in range(GROW_AFTER - 1):
        client.get_v3_page(ORDERS, sizing)
    assert sizing.size == 1000
    assert sizes[-1] == "500"


def test_at_the_smallest_size_the_usual_retries_apply_and_then_it_fails(
    make_client: Any, requests_mock: rm.Mocker
) -> None:
    client = make_client()
    requests_mock.get(URL, status_code=503)
    with pytest.raises(RetriesExhaustedError, match=r"perPage=50.*503"):
        client.get_v3_page(ORDERS, PageSizing(100, smallest=50))
    sizes = [dict(sent(request))["perPage"] for request in requests_mock.request_history]
    assert sizes == ["100"] + ["50"] * 5


def test_the_timeout_grows_with_the_page(make_client: Any, requests_mock: rm.Mocker) -> None:
    client = make_client(timeout=10.0)
    requests_mock.get(URL, json=cursor_body([], None))
    client.get_v3_page(ORDERS, PageSizing(1000))
    assert requests_mock.last_request.timeout == pytest.approx(10.0 + 1000 * SECONDS_PER_ROW)


def test_an_answer_without_the_v3_envelope_is_not_xentral(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(URL, json={"data": [], "extra": {"totalCount": 0}, "meta": {"nextCursor": 17}})
    with pytest.raises(NotXentralError, match="v3's envelope"):
        client.get_v3_page(ORDERS, PageSizing(1000))


@pytest.mark.parametrize("status", [400, 403, 404])
def test_the_probe_reports_a_refusal(client: XentralClient, requests_mock: rm.Mocker, status: int) -> None:
    requests_mock.get(URL, status_code=status)
    probe = client.probe_v3(ORDERS)
    assert probe.page is None
    assert probe.refusal is not None and f"answered {status}" in probe.refusal and "perPage=1" in probe.refusal


def test_the_probe_returns_the_first_row(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(URL, json=cursor_body(["9"], "more"))
    probe = client.probe_v3(ORDERS)
    assert probe.refusal is None and probe.page is not None and probe.page.items == [{"id": "9"}]


def test_the_probe_fails_on_a_rejected_token(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(URL, status_code=401)
    with pytest.raises(AuthenticationError):
        client.probe_v3(ORDERS)
