"""Query encoding, page parsing and the rules for when paging stops."""

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests_mock as rm

from pipelines.api.client import XentralClient
from pipelines.api.errors import PermissionDeniedError, RequestBudgetExhausted
from pipelines.api.paging import Filter, Order, Page, page_query
from pipelines.api.timestamps import format_timestamp
from tests.client.helpers import BASE_URL, list_body, rows

ORDERS_URL = f"{BASE_URL}/api/v1/salesOrders"


def sent_query(request: rm.request._RequestObjectProxy) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(request.url).query, keep_blank_values=True)


def test_filters_and_order_use_indexed_deep_object_keys(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ORDERS_URL, json=list_body([], total=0))
    client.get_page(
        "/api/v1/salesOrders",
        number=3,
        size=20,
        filters=[
            Filter("updatedAt", "greaterThanOrEquals", "2024-03-27T15:13:25+01:00"),
            Filter("status", "in", ["released", "completed"]),
        ],
        order=[Order("id"), Order("documentNumber", "DESC")],
    )
    assert sent_query(requests_mock.last_request) == [
        ("page[number]", "3"),
        ("page[size]", "20"),
        ("filter[0][key]", "updatedAt"),
        ("filter[0][op]", "greaterThanOrEquals"),
        ("filter[0][value]", "2024-03-27T15:13:25+01:00"),
        ("filter[1][key]", "status"),
        ("filter[1][op]", "in"),
        ("filter[1][value][0]", "released"),
        ("filter[1][value][1]", "completed"),
        ("order[0][field]", "id"),
        ("order[0][dir]", "asc"),
        ("order[1][field]", "documentNumber"),
        ("order[1][dir]", "desc"),
    ]


def test_the_plus_of_an_offset_is_sent_as_percent_2b(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ORDERS_URL, json=list_body([], total=0))
    since = format_timestamp(datetime(2024, 7, 1, 6, 0, tzinfo=UTC))
    client.get_page("/api/v1/salesOrders", number=1, filters=[Filter("updatedAt", "greaterThan", since)])
    raw_query = urlsplit(requests_mock.last_request.url).query
    assert "2024-07-01T08%3A00%3A00%2B02%3A00" in raw_query
    assert "+" not in raw_query


def test_filter_and_order_values_are_checked() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        Filter("status", "in", [])
    with pytest.raises(ValueError, match="'asc' or 'desc'"):
        Order("id", "up")
    assert Filter("status", "in", ["a"]).value == ("a",)  # stored immutably


@pytest.mark.parametrize(("number", "size"), [(0, 10), (1, 0), (1, 51)])
def test_page_query_refuses_numbers_and_sizes_xentral_does_not_accept(number: int, size: int) -> None:
    with pytest.raises(ValueError):
        page_query(number, size)


def test_page_carries_items_total_and_server_time(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        ORDERS_URL,
        json=list_body(rows(2), total=2, size=10),
        headers={"Date": "Wed, 27 Mar 2024 14:13:25 GMT"},
    )
    page = client.get_page("/api/v1/salesOrders", number=1, size=10)
    assert page.items == [{"id": "1"}, {"id": "2"}]
    assert (page.number, page.size, page.total_count) == (1, 10, 2)
    assert page.server_time == datetime(2024, 3, 27, 14, 13, 25, tzinfo=UTC)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Wed, 27 Mar 2024 14:13:25 GMT, Wed, 27 Mar 2024 14:13:26 GMT", datetime(2024, 3, 27, 14, 13, 25, tzinfo=UTC)),
        ("Wed, 27 Mar 2024 14:13:25 -0000", None),  # no zone: not an instant
        ("yesterday", None),
    ],
    ids=["sent-twice", "without-zone", "garbage"],
)
def test_a_date_header_sent_twice_or_unreadable_never_stops_a_run(
    client: XentralClient, requests_mock: rm.Mocker, date: str, expected: datetime | None
) -> None:
    requests_mock.get(ORDERS_URL, json=list_body(rows(1), total=1, size=10), headers={"Date": date})
    assert client.get_page("/api/v1/salesOrders", number=1, size=10).server_time == expected


def test_page_without_date_header_or_extra(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ORDERS_URL, json={"data": rows(3)})
    page = client.get_page("/api/v1/salesOrders", number=1, size=3)
    assert page.server_time is None
    assert page.total_count is None
    assert not page.is_last  # full page and nothing says it is the end


@pytest.mark.parametrize(
    ("items", "number", "size", "total", "last"),
    [
        (10, 1, 10, 25, False),
        (10, 2, 10, 20, True),  # reaches totalCount exactly
        (5, 3, 10, 25, True),  # short page
        (0, 4, 10, 25, True),  # empty page past the end
        (0, 1, 10, None, True),
        (10, 1, 10, None, False),
    ],
)
def test_is_last(items: int, number: int, size: int, total: int | None, last: bool) -> None:
    page = Page(items=rows(items), number=number, size=size, total_count=total, server_time=None)
    assert page.is_last is last


def register_pages(requests_mock: rm.Mocker, pages: list[dict]) -> None:
    requests_mock.get(ORDERS_URL, [{"json": body} for body in pages])


def test_iteration_stops_at_total_count_without_an_extra_request(
    client: XentralClient, requests_mock: rm.Mocker
) -> None:
    register_pages(
        requests_mock, [list_body(rows(10, 1), total=20, size=10), list_body(rows(10, 11), total=20, size=10, number=2)]
    )
    pages = list(client.iter_pages("/api/v1/salesOrders", size=10))
    assert [page.number for page in pages] == [1, 2]
    assert requests_mock.call_count == 2
    assert [dict(sent_query(r))["page[number]"] for r in requests_mock.request_history] == ["1", "2"]


def test_iteration_stops_at_a_short_page_when_total_count_is_missing(
    client: XentralClient, requests_mock: rm.Mocker
) -> None:
    register_pages(requests_mock, [{"data": rows(10)}, {"data": rows(10, 11)}, {"data": rows(3, 21)}])
    pages = list(client.iter_pages("/api/v1/salesOrders", size=10))
    assert sum(len(page.items) for page in pages) == 23
    assert requests_mock.call_count == 3


def test_iteration_stops_at_an_empty_page_when_total_count_is_missing(
    client: XentralClient, requests_mock: rm.Mocker
) -> None:
    register_pages(requests_mock, [{"data": rows(10)}, {"data": []}])
    pages = list(client.iter_pages("/api/v1/salesOrders", size=10))
    assert [len(page.items) for page in pages] == [10, 0]
    assert requests_mock.call_count == 2


def test_iteration_stops_at_an_empty_page_even_if_total_count_promised_more(
    client: XentralClient, requests_mock: rm.Mocker
) -> None:
    register_pages(requests_mock, [list_body(rows(10), total=30, size=10), list_body([], total=30, size=10, number=2)])
    assert len(list(client.iter_pages("/api/v1/salesOrders", size=10))) == 2


def test_iteration_starts_where_asked_and_keeps_filters(client: XentralClient, requests_mock: rm.Mocker) -> None:
    register_pages(requests_mock, [list_body(rows(4), total=14, size=10, number=2)])
    list(
        client.iter_pages(
            "/api/v1/salesOrders", size=10, start_page=2, filters=[Filter("status", "equals", "released")]
        )
    )
    query = dict(sent_query(requests_mock.last_request))
    assert query["page[number]"] == "2"
    assert query["filter[0][value]"] == "released"


def test_a_clamped_page_size_reported_by_the_server_is_used(client: XentralClient, requests_mock: rm.Mocker) -> None:
    register_pages(
        requests_mock, [list_body(rows(10), total=25, size=10), list_body(rows(10, 11), total=25, size=10, number=2)]
    )
    page = client.get_page("/api/v1/salesOrders", number=1, size=50)
    assert page.size == 10
    assert not page.is_last


def test_get_data_returns_the_resource_or_none(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{ORDERS_URL}/17", json={"data": {"id": "17", "positions": []}})
    requests_mock.get(f"{ORDERS_URL}/18", status_code=404)
    assert client.get_data("/api/v1/salesOrders/17") == {"id": "17", "positions": []}
    assert client.get_data("/api/v1/salesOrders/18") is None


ADDRESSES_URL = f"{BASE_URL}/api/v2/customers/5/addresses"


def test_get_all_items_reads_every_page_of_a_records_list(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ADDRESSES_URL, [{"json": list_body(rows(50), total=60)},
                                      {"json": list_body(rows(10, 51), total=60, number=2)}])
    assert client.get_all_items("/api/v2/customers/5/addresses") == rows(60)
    assert [request.qs["page[number]"] for request in requests_mock.request_history] == [["1"], ["2"]]


def test_get_all_items_is_none_for_a_record_that_does_not_exist(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ADDRESSES_URL, status_code=404)
    assert client.get_all_items("/api/v2/customers/5/addresses") is None
    requests_mock.get(ADDRESSES_URL, status_code=403)
    with pytest.raises(PermissionDeniedError):
        client.get_all_items("/api/v2/customers/5/addresses")


def test_reads_carry_the_bearer_token_and_accept_what_the_spec_declares(
    client: XentralClient, requests_mock: rm.Mocker
) -> None:
    """Views, lists and a record's list alike: JSON, and problem details for a refused request."""
    requests_mock.get(f"{ORDERS_URL}/17", json={"data": {}})
    register_pages(requests_mock, [list_body([], total=0)])
    requests_mock.get(ADDRESSES_URL, json=list_body([], total=0))
    client.get_data("/api/v1/salesOrders/17")
    client.get_page("/api/v1/salesOrders", number=1)
    client.get_all_items("/api/v2/customers/5/addresses")
    for request in requests_mock.request_history:
        assert request.headers["Authorization"] == "Bearer pat-SECRET-7f3a9c2e1b"
        assert request.headers["Accept"] == "application/json, application/problem+json"
        assert request.headers["User-Agent"].startswith("xentral-sync/")
    assert requests_mock.call_count == 3


def test_paths_must_be_absolute(client: XentralClient) -> None:
    with pytest.raises(ValueError, match="start with '/'"):
        client.get_data("api/v1/salesOrders/17")


def test_the_budget_says_whether_work_fits_before_it_starts(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE_URL}/api/v2/customers/1", json={"data": {"id": "1"}})
    client = XentralClient(BASE_URL, "t0ken", max_requests=2, sleep=lambda _: None)
    assert client.allows(2)
    client.get_data("/api/v2/customers/1")
    assert not client.allows(2) and client.allows(1)
    assert client.budget_spent("a pair") == "request budget of 2 requests used up; a pair was not started"
    client.get_data("/api/v2/customers/1")
    with pytest.raises(RequestBudgetExhausted, match="was not sent"):
        client.get_data("/api/v2/customers/1")
