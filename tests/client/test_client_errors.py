"""How final answers map to exceptions, and that the token never leaks into text people or logs see."""

import logging

import pytest
import requests
import requests_mock as rm

from pipelines.api.client import XentralClient
from pipelines.api.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    NotXentralError,
    PermissionDeniedError,
    ValidationFailedError,
    XentralError,
)
from tests.client.helpers import BASE_URL, TOKEN

ORDERS_URL = f"{BASE_URL}/api/v1/salesOrders"


def test_401_with_json_message(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ORDERS_URL, status_code=401, json={"message": "Token expired."})
    with pytest.raises(AuthenticationError) as raised:
        client.get_page("/api/v1/salesOrders", number=1)
    assert str(raised.value) == (
        "GET /api/v1/salesOrders?page[number]=1&page[size]=50 was refused with 401: the API token was rejected "
        "(Token expired.); check XENTRAL_API_TOKEN (tokens expire after at most 180 days)"
    )


def test_401_with_text_body(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{ORDERS_URL}/1", status_code=401, text="Unauthorized", headers={"Content-Type": "text/html"})
    with pytest.raises(AuthenticationError, match=r"the API token was rejected; check XENTRAL_API_TOKEN"):
        client.get_data("/api/v1/salesOrders/1")


def test_403_names_the_missing_scope(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ORDERS_URL, status_code=403, json={"message": "Missing required scopes: salesOrder:read."})
    with pytest.raises(
        PermissionDeniedError, match=r"lacks the scope .*\(Missing required scopes: salesOrder:read\.\)"
    ):
        client.get_page("/api/v1/salesOrders", number=1)


def test_404_on_a_list_means_the_host_is_not_xentral(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        ORDERS_URL, status_code=404, text="<html>nope</html>", headers={"Content-Type": "text/html; charset=utf-8"}
    )
    with pytest.raises(
        NotXentralError,
        match=r"^https://acme.xentral.biz does not answer like Xentral: GET "
        r"/api/v1/salesOrders\?page\[number\]=1&page\[size\]=50 returned 404 text/html",
    ):
        client.get_page("/api/v1/salesOrders", number=1)


@pytest.mark.parametrize(
    "answer",
    [
        {"text": "<!doctype html><title>Login</title>", "headers": {"Content-Type": "text/html"}},
        {"text": "<html><body>Welcome to nginx</body></html>", "headers": {"Content-Type": ""}},
        {"text": "OK", "headers": {"Content-Type": "text/plain; charset=utf-8"}},
        {"json": {"items": []}},
        {"json": [1, 2]},
        {"json": {"data": {"id": "1"}}},  # a single resource's envelope where a list belongs
        {"text": "null", "headers": {"Content-Type": "application/json"}},
    ],
    ids=["html", "html-without-content-type", "plain-text", "other-json-object", "json-array", "single-envelope",
         "json-null"],
)
def test_a_200_that_is_not_the_list_envelope(client: XentralClient, requests_mock: rm.Mocker, answer: dict) -> None:
    requests_mock.get(ORDERS_URL, **answer)
    with pytest.raises(NotXentralError, match="does not answer like Xentral"):
        client.get_page("/api/v1/salesOrders", number=1)
    assert requests_mock.call_count == 1


def test_400_problem_details_reach_the_message(client: XentralClient, requests_mock: rm.Mocker) -> None:
    problem = {
        "type": "https://api.xentral.biz/problems/request-validation",
        "title": "Request payload validation failed.",
        "violations": {"filter": {"0": {"key": ["The value you selected is not a valid choice."]}}},
    }
    requests_mock.get(ORDERS_URL, status_code=400, json=problem, headers={"Content-Type": "application/problem+json"})
    with pytest.raises(ValidationFailedError) as raised:
        client.get_page("/api/v1/salesOrders", number=1)
    assert str(raised.value).endswith(
        "was rejected with 400: Request payload validation failed. "
        "(filter.0.key: The value you selected is not a valid choice.)"
    )
    assert raised.value.problem == problem
    assert raised.value.violations == problem["violations"]


def test_409_is_a_conflict(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{ORDERS_URL}/1", status_code=409, text="locked")
    with pytest.raises(ConflictError, match="rejected with 409: locked"):
        client.get_data("/api/v1/salesOrders/1")


def test_unexpected_status(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{ORDERS_URL}/1", status_code=406, reason="Not Acceptable")
    with pytest.raises(XentralError, match=r"^GET /api/v1/salesOrders/1 failed with an unexpected 406 Not Acceptable$"):
        client.get_data("/api/v1/salesOrders/1")


@pytest.mark.parametrize("token", ["", "   ", None])
def test_missing_token(token: str | None) -> None:
    with pytest.raises(ConfigError, match=r"^no API token: set XENTRAL_API_TOKEN"):
        XentralClient(BASE_URL, token)  # type: ignore[arg-type]


@pytest.mark.parametrize("token", ["abc def", "abc\ndef", "abc\u2013def"])
def test_malformed_token_is_refused_without_echoing_it(token: str) -> None:
    with pytest.raises(ConfigError) as raised:
        XentralClient(BASE_URL, token)
    assert "abc" not in str(raised.value)


def test_token_is_trimmed(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{ORDERS_URL}/1", json={"data": {}})
    XentralClient(BASE_URL, f"  {TOKEN}\n").get_data("/api/v1/salesOrders/1")
    assert requests_mock.last_request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_base_url_is_validated() -> None:
    with pytest.raises(ConfigError, match="https is required"):
        XentralClient("http://acme.xentral.biz", TOKEN)


def test_repr_hides_the_token(client: XentralClient) -> None:
    assert TOKEN not in repr(client)
    assert "acme.xentral.biz" in repr(client)


ANSWERS_THAT_ECHO_THE_TOKEN = [
    {"status_code": 401, "json": {"message": f"Bad token {TOKEN}"}},
    {"status_code": 401, "text": f"Unauthorized: Bearer {TOKEN}"},
    {"status_code": 403, "json": {"message": f"token {TOKEN} lacks scope"}},
    {"status_code": 400, "json": {"title": f"bad {TOKEN}", "violations": {"x": [TOKEN]}}},
    {"status_code": 409, "text": TOKEN},
    {"status_code": 418, "text": TOKEN},
    {"status_code": 503, "text": TOKEN},
    {"status_code": 200, "text": f"<html>{TOKEN}</html>", "headers": {"Content-Type": "text/html"}},
    {"exc": requests.exceptions.ConnectionError},
    {"exc": requests.exceptions.ReadTimeout},
]


@pytest.mark.parametrize("answer", ANSWERS_THAT_ECHO_THE_TOKEN)
def test_token_never_appears_in_errors_or_logs(
    client: XentralClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture, answer: dict
) -> None:
    caplog.set_level(logging.DEBUG)
    requests_mock.get(ORDERS_URL, **answer)
    with pytest.raises(XentralError) as raised:
        client.get_page("/api/v1/salesOrders", number=1)
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(raised.value)
    assert caplog.records, "the client should log each request at DEBUG"
    for record in caplog.records:
        assert TOKEN not in record.getMessage()


def test_each_request_is_logged_with_status_and_attempt(
    client: XentralClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pipelines.api.client")
    requests_mock.get(f"{ORDERS_URL}/1", [{"status_code": 502}, {"json": {"data": {}}}])
    client.get_data("/api/v1/salesOrders/1")
    lines = [record.getMessage() for record in caplog.records if record.name == "pipelines.api.client"]
    assert any(
        line.startswith("GET /api/v1/salesOrders/1 -> 502 in ") and line.endswith("(attempt 1)") for line in lines
    )
    assert any(
        line.startswith("GET /api/v1/salesOrders/1 -> 200 in ") and line.endswith("(attempt 2)") for line in lines
    )
