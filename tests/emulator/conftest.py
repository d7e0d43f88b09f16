"""Helpers for the emulator tests: an authenticated keep-alive session per emulator."""
from __future__ import annotations

from typing import Any

import pytest
import requests

from pipelines.emulator import RunningEmulator

IMPORT_ACCEPT = "text/html, application/problem+json"


class Client:
    """requests.Session bound to one emulator's base URL and token."""

    def __init__(self, emulator: RunningEmulator) -> None:
        self.emulator = emulator
        self.session = requests.Session()
        self.session.headers.update(emulator.headers())

    def get(self, path: str, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.get(self.emulator.base_url + path, params=params, timeout=10, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        """A POST (the import) asking for what the spec declares for its answers."""
        headers = {"Accept": IMPORT_ACCEPT, **kwargs.pop("headers", {})}
        return self.session.post(self.emulator.base_url + path, timeout=10, headers=headers, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.emulator.base_url + path, timeout=10, **kwargs)


@pytest.fixture
def client(emulator: RunningEmulator) -> Client:
    return Client(emulator)


def filters(*triples: tuple[str, str, Any]) -> dict[str, Any]:
    """Query parameters for AND-ed filter triples; list values become value[] arrays."""
    params: dict[str, Any] = {}
    for i, (key, op, value) in enumerate(triples):
        params[f"filter[{i}][key]"] = key
        params[f"filter[{i}][op]"] = op
        params[f"filter[{i}][value]{'[]' if isinstance(value, list) else ''}"] = value
    return params


def fetch_all(client: Client, path: str, params: dict[str, Any] | None = None, size: int = 50) -> list[dict]:
    """Every row of a list endpoint, page by page."""
    rows: list[dict] = []
    number = 1
    while True:
        response = client.get(path, params={**(params or {}), "page[number]": number, "page[size]": size})
        assert response.status_code == 200, response.text
        page = response.json()["data"]
        rows.extend(page)
        if len(page) < size:
            return rows
        number += 1


def violations(response: Any) -> dict:
    """The violations of a request-validation problem answer (asserting its form)."""
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "https://api.xentral.biz/problems/request-validation"
    return body["violations"]
