"""check_connection: one request, one clear line for each way it can fail."""

import socket
from collections.abc import Callable

import pytest
import requests
import requests_mock as rm
from urllib3.exceptions import MaxRetryError, NameResolutionError

from pipelines.api.client import XentralClient
from pipelines.api.errors import AuthenticationError, NotXentralError, PermissionDeniedError, UnreachableError
from tests.client.helpers import BASE_URL, TOKEN, list_body

CHECK_URL = f"{BASE_URL}/api/v1/shippingMethods"


def test_a_xentral_answer_passes_with_one_cheap_request(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(CHECK_URL, json=list_body([{"id": "1"}], total=1, size=10))
    client.check_connection()
    assert requests_mock.call_count == 1
    assert "page[size]=10" in requests_mock.last_request.url.replace("%5B", "[").replace("%5D", "]")


def test_another_path_can_be_checked(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{BASE_URL}/api/v1/salesOrders", json=list_body([], total=0))
    client.check_connection("/api/v1/salesOrders")
    assert requests_mock.called


@pytest.mark.parametrize(
    ("answer", "shown_as"),
    [
        (
            {"status_code": 404, "text": "<html>Not Found</html>", "headers": {"Content-Type": "text/html"}},
            "404 text/html",
        ),
        (
            {
                "status_code": 200,
                "text": "<html>Welcome</html>",
                "headers": {"Content-Type": "text/html; charset=UTF-8"},
            },
            "200 text/html",
        ),
        (
            {"json": {"status": "ok"}, "headers": {"Content-Type": "application/json"}},
            "200 application/json, JSON without the list envelope",
        ),
    ],
)
def test_a_host_that_is_not_xentral(
    client: XentralClient, requests_mock: rm.Mocker, answer: dict, shown_as: str
) -> None:
    requests_mock.get(CHECK_URL, **answer)
    with pytest.raises(NotXentralError) as raised:
        client.check_connection()
    assert str(raised.value).startswith(
        "https://acme.xentral.biz does not answer like Xentral: "
        f"GET /api/v1/shippingMethods?page[number]=1&page[size]=10 returned {shown_as}"
    )


@pytest.mark.parametrize(
    "answer",
    [
        {"json": {"message": "Unauthenticated."}},
        {"text": "Unauthorized", "headers": {"Content-Type": "text/html"}},
    ],
    ids=["json-body", "text-body"],
)
def test_a_rejected_token(client: XentralClient, requests_mock: rm.Mocker, answer: dict) -> None:
    requests_mock.get(CHECK_URL, status_code=401, **answer)
    with pytest.raises(AuthenticationError, match=r"the API token was rejected.*check XENTRAL_API_TOKEN"):
        client.check_connection()
    assert requests_mock.call_count == 1


def test_a_token_without_the_scope(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(CHECK_URL, status_code=403)
    with pytest.raises(PermissionDeniedError, match="lacks the scope"):
        client.check_connection()


def closed_local_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused(make_client: Callable[..., XentralClient]) -> None:
    """A real connection attempt to a closed port on this machine (no mock, no internet)."""
    port = closed_local_port()
    client = XentralClient(f"http://127.0.0.1:{port}", TOKEN, sleep=lambda seconds: None)
    with pytest.raises(UnreachableError) as raised:
        client.check_connection()
    assert str(raised.value) == (
        f"cannot reach http://127.0.0.1:{port}: connection refused "
        "(GET /api/v1/shippingMethods?page[number]=1&page[size]=10, 5 attempts)"
    )
    assert client.requests_made == 5


def test_name_does_not_resolve(client: XentralClient, requests_mock: rm.Mocker) -> None:
    unresolvable = NameResolutionError("acme.xentral.biz", None, socket.gaierror(-2, "Name or service not known"))
    requests_mock.get(CHECK_URL, exc=requests.exceptions.ConnectionError(MaxRetryError(None, "/", unresolvable)))
    with pytest.raises(UnreachableError, match=r"^cannot reach https://acme.xentral.biz: the name does not resolve \("):
        client.check_connection()


def test_tls_failure(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(CHECK_URL, exc=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(UnreachableError, match="the TLS handshake failed"):
        client.check_connection()
