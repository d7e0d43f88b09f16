"""The import POST: parsed on success, mapped on refusal, never resent once it may have arrived."""

from collections.abc import Callable

import pytest
import requests
import requests_mock as rm
from urllib3.exceptions import MaxRetryError, NewConnectionError

from pipelines.api.client import CreatedOrder, XentralClient
from pipelines.api.errors import (
    ConflictError,
    ImportOutcomeUnknown,
    PermissionDeniedError,
    UnreachableError,
    ValidationFailedError,
    XentralError,
)
from tests.client.conftest import FakeClock
from tests.client.helpers import BASE_URL

IMPORT_URL = f"{BASE_URL}/api/v1/salesOrders/actions/import"
PAYLOAD = {
    "externalOrderNumber": "SHOP-1001",
    "customer": {"id": "7"},
    "positions": [{"product": {"id": "3"}, "quantity": 1}],
}


@pytest.mark.parametrize(
    "location",
    [
        "https://acme.xentral.biz/api/v1/salesOrders/4711",
        "/api/v1/salesOrders/4711",
        "/api/v1/salesOrders/4711/",
    ],
)
def test_created_order_from_absolute_or_relative_location(
    client: XentralClient, requests_mock: rm.Mocker, location: str
) -> None:
    requests_mock.post(IMPORT_URL, status_code=201, text="", headers={"Location": location})
    created = client.create_sales_order(PAYLOAD)
    assert created.order_id == "4711"
    assert requests_mock.last_request.json() == PAYLOAD
    assert requests_mock.last_request.headers["Content-Type"] == "application/json"


def test_the_import_accepts_what_the_spec_declares_for_its_answers(
    client: XentralClient, requests_mock: rm.Mocker
) -> None:
    """201 is declared as text/html (empty), 400 as problem details: a strict server refuses others with 406."""
    requests_mock.post(IMPORT_URL, status_code=201, headers={"Location": "/api/v1/salesOrders/9"})
    client.create_sales_order(PAYLOAD)
    assert requests_mock.last_request.headers["Accept"] == "text/html, application/problem+json"


@pytest.mark.parametrize(
    "location",
    [
        "/api/v1/salesOrders/new",
        "/api/users/17",  # a 201 of something else
        "https://other.example/api/v1/salesOrders/17",  # another host
        "http://acme.xentral.biz/api/v1/salesOrders/17",  # another scheme: not this instance's origin
        "/api/v1/salesOrders/17/positions/3",
        None,
    ],
)
def test_a_location_that_names_no_sales_order_of_this_instance_gives_no_id(
    client: XentralClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture, location: str | None
) -> None:
    headers = {"Location": location} if location else {}
    requests_mock.post(IMPORT_URL, status_code=201, headers=headers)
    assert client.create_sales_order(PAYLOAD) == CreatedOrder(order_id=None)
    [line] = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert line.endswith("the new order is looked up by its key")


def test_validation_failure_carries_the_violations(client: XentralClient, requests_mock: rm.Mocker) -> None:
    problem = {
        "type": "https://api.xentral.biz/problems/request-validation",
        "title": "Request payload validation failed.",
        "violations": {
            "positions": [{"product": {"id": ["Product 3 does not exist."]}}],
            "date": ["This value should not be blank."],
        },
    }
    requests_mock.post(IMPORT_URL, status_code=400, json=problem, headers={"Content-Type": "application/problem+json"})
    with pytest.raises(ValidationFailedError) as raised:
        client.create_sales_order(PAYLOAD)
    assert str(raised.value) == (
        "POST /api/v1/salesOrders/actions/import was rejected with 400: Request payload validation failed. "
        "(positions.0.product.id: Product 3 does not exist.; date: This value should not be blank.)"
    )
    assert raised.value.violations == problem["violations"]
    assert requests_mock.call_count == 1


def test_conflict_problem(client: XentralClient, requests_mock: rm.Mocker) -> None:
    problem = {"type": "https://api.xentral.biz/problems/conflict", "title": "Conflict.", "messages": ["Duplicate."]}
    requests_mock.post(IMPORT_URL, status_code=400, json=problem)
    with pytest.raises(ConflictError, match=r"Conflict\. \(Duplicate\.\)$") as raised:
        client.create_sales_order(PAYLOAD)
    assert raised.value.problem == problem


def test_missing_scope_is_named_without_a_body_to_name_it(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.post(IMPORT_URL, status_code=403)  # the spec declares no body for a 403
    with pytest.raises(PermissionDeniedError, match="lacks the scope salesOrder:create; add the scope"):
        client.create_sales_order(PAYLOAD)


def test_429_is_waited_out_and_resent(client: XentralClient, requests_mock: rm.Mocker, clock: FakeClock) -> None:
    requests_mock.post(
        IMPORT_URL,
        [
            {"status_code": 429, "headers": {"Retry-After": "9"}},
            {"status_code": 201, "headers": {"Location": "/api/v1/salesOrders/5"}},
        ],
    )
    assert client.create_sales_order(PAYLOAD).order_id == "5"
    assert requests_mock.call_count == 2
    assert clock.sleeps == [9.0]


@pytest.mark.parametrize(
    "failure",
    [
        {"exc": requests.exceptions.ReadTimeout},
        {"exc": requests.exceptions.ConnectionError("Connection aborted.")},
        {"exc": requests.exceptions.ChunkedEncodingError},
        {"status_code": 500},
        {"status_code": 502},
        {"status_code": 503, "headers": {"Retry-After": "1"}},
        {"status_code": 504},
    ],
    ids=["read-timeout", "dropped", "cut-off", "500", "502", "503", "504"],
)
def test_an_answer_lost_after_sending_is_never_resent(
    client: XentralClient, requests_mock: rm.Mocker, backoff_sleeps: list[float], failure: dict
) -> None:
    requests_mock.post(IMPORT_URL, [failure, {"status_code": 201, "headers": {"Location": "/api/v1/salesOrders/5"}}])
    with pytest.raises(
        ImportOutcomeUnknown, match=r"^POST /api/v1/salesOrders/actions/import: .* 'SHOP-1001' may or may not exist"
    ):
        client.create_sales_order(PAYLOAD)
    assert requests_mock.call_count == 1
    assert client.retries == 0 and backoff_sleeps == []


def test_a_connection_that_never_opened_means_no_order(client: XentralClient, requests_mock: rm.Mocker) -> None:
    refused = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    requests_mock.post(IMPORT_URL, exc=requests.exceptions.ConnectionError(MaxRetryError(None, "/", refused)))
    with pytest.raises(
        UnreachableError, match=r"^cannot reach https://acme.xentral.biz: connection refused; .* no order was created$"
    ):
        client.create_sales_order(PAYLOAD)
    assert requests_mock.call_count == 1


def test_a_redirect_is_not_followed(make_client: Callable[..., XentralClient], requests_mock: rm.Mocker) -> None:
    client = make_client()
    requests_mock.post(IMPORT_URL, status_code=302, headers={"Location": "https://login.example.com/"})
    requests_mock.get("https://login.example.com/", text="login")
    with pytest.raises(XentralError, match="unexpected 302"):
        client.create_sales_order(PAYLOAD)
    assert requests_mock.call_count == 1
