"""What reaches the wire: the session's settings, the environment's proxies, and JSON decoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import requests_mock as rm

from pipelines.api.client import XentralClient
from tests.client.helpers import BASE_URL, TOKEN

VIEW_URL = f"{BASE_URL}/api/v1/salesOrders/17"


def test_each_request_carries_the_timeout_and_the_environments_proxy_and_ca_bundle(
    requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/company.pem")
    requests_mock.get(VIEW_URL, json={"data": {"id": "17"}})
    client = XentralClient(BASE_URL, TOKEN, timeout=12.5)
    client.get_data("/api/v1/salesOrders/17")
    sent = requests_mock.last_request
    assert sent.timeout == 12.5
    assert sent.proxies == {"https": "http://proxy.example:3128"}
    assert sent.verify == "/etc/ssl/company.pem"


def test_the_environment_is_read_per_request_but_netrc_never_replaces_the_token(
    requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine acme.xentral.biz login someone password elsewhere\n")
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    requests_mock.get(VIEW_URL, json={"data": {}})
    client = XentralClient(BASE_URL, TOKEN, session=requests.Session())
    client.get_data("/api/v1/salesOrders/17")
    sent = requests_mock.last_request
    assert sent.proxies["https"] == "http://proxy.example:3128"
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"


def test_the_sessions_headers_cookies_and_hooks_apply_and_ours_win(requests_mock: rm.Mocker) -> None:
    session = requests.Session()
    session.headers.update({"X-Trace": "on", "User-Agent": "theirs", "Accept-Encoding": "identity", "Accept": "*/*"})
    session.cookies.set("balancer", "node-2", domain="acme.xentral.biz")
    answered: list[int] = []
    session.hooks["response"].append(lambda response, *args, **kwargs: answered.append(response.status_code))
    requests_mock.get(VIEW_URL, json={"data": {}})
    XentralClient(BASE_URL, TOKEN, session=session, user_agent="ours/1").get_data("/api/v1/salesOrders/17")
    headers = requests_mock.last_request.headers
    assert headers["X-Trace"] == "on"
    assert headers["Accept-Encoding"] == "identity"
    assert headers["User-Agent"] == "ours/1"
    assert headers["Accept"] == "application/json, application/problem+json"
    assert headers["Cookie"] == "balancer=node-2"
    assert answered == [200]


def test_the_sessions_headers_apply_as_they_are_at_each_request(requests_mock: rm.Mocker) -> None:
    requests_mock.get(VIEW_URL, json={"data": {}})
    requests_mock.post(f"{BASE_URL}/api/v1/salesOrders/actions/import", status_code=201,
                       headers={"Location": "/api/v1/salesOrders/99"})
    session = requests.Session()
    client = XentralClient(BASE_URL, TOKEN, session=session)
    client.get_data("/api/v1/salesOrders/17")
    assert "X-Trace" not in requests_mock.last_request.headers

    session.headers["X-Trace"] = "on"
    client.create_sales_order({"externalOrderNumber": "SW-1"})
    assert requests_mock.last_request.headers["X-Trace"] == "on"

    client.get_data("/api/v1/salesOrders/17")
    sent = requests_mock.last_request.headers
    assert sent["X-Trace"] == "on"
    assert sent["Authorization"] == f"Bearer {TOKEN}"
    assert "Content-Type" not in sent and "Content-Length" not in sent  # the POST's body headers stayed with it


def test_a_get_follows_a_redirect_on_the_same_host_with_the_token(
    client: XentralClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(VIEW_URL, status_code=301, headers={"Location": f"{BASE_URL}/api/v1/salesOrders/18"})
    requests_mock.get(f"{BASE_URL}/api/v1/salesOrders/18", json={"data": {"id": "18"}})
    assert client.get_data("/api/v1/salesOrders/17") == {"id": "18"}
    assert requests_mock.last_request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_post_sends_its_payload_as_json(client: XentralClient, requests_mock: rm.Mocker) -> None:
    requests_mock.post(f"{BASE_URL}/api/v1/salesOrders/actions/import", status_code=201,
                       headers={"Location": "/api/v1/salesOrders/99"})
    client.create_sales_order({"externalOrderNumber": "SW-1", "note": "Größe"})
    sent = requests_mock.last_request
    assert sent.json() == {"externalOrderNumber": "SW-1", "note": "Größe"}
    assert sent.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ('{"data": {"name": "Möller", "n": 1.10}}'.encode(), "application/json", {"name": "Möller", "n": 1.1}),
        ('{"data": {"name": "Möller"}}'.encode("latin-1"), "application/json; charset=iso-8859-1", {"name": "Möller"}),
        (b'\xef\xbb\xbf{"data": {"id": "1"}}', "application/json", {"id": "1"}),
        (b'{"data": {"text": "\\ud800"}}', "application/json", {"text": "\ud800"}),
    ],
    ids=["utf-8", "declared-latin-1", "byte-order-mark", "lone-surrogate"],
)
def test_bodies_decode_as_requests_decodes_them(
    client: XentralClient, requests_mock: rm.Mocker, body: bytes, content_type: str, expected: dict
) -> None:
    requests_mock.get(VIEW_URL, content=body, headers={"Content-Type": content_type})
    assert client.get_data("/api/v1/salesOrders/17") == expected
    assert client.get_data("/api/v1/salesOrders/17") == requests.get(VIEW_URL).json()["data"]


def test_numbers_keep_their_python_types(client: XentralClient, requests_mock: rm.Mocker) -> None:
    data = {"quantity": 2, "discount": 0.0, "rate": 19.0, "big": 2**63 + 5, "small": -(2**63), "tiny": 5e-324}
    requests_mock.get(VIEW_URL, text=json.dumps({"data": data}))
    decoded = client.get_data("/api/v1/salesOrders/17")
    assert decoded == data
    assert [type(value) for value in decoded.values()] == [int, float, float, int, int, float]
