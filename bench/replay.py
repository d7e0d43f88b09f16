"""Sales order pages recorded once to disk and served back with no HTTP: the API taken out.

A recording holds the id-sorted list pages (50 a page) and every order's view, rendered by
the emulator's `World` (the same bodies its server sends). `replay_session` answers a
`requests.Session` from the files, reading each body from disk when asked, so the process
that replays holds neither the emulator nor the recording in memory.
"""

from __future__ import annotations

import json
import re
import time
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formatdate
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

import requests
from requests.adapters import BaseAdapter

from pipelines.emulator import EmulatorSettings, World
from pipelines.emulator.query import ListQuery

PAGE_SIZE = 50
BASE_URL = "https://replay.invalid"
TOKEN = "replay-token"
_VIEW = re.compile(r"^/api/v1/salesOrders/(\d+)$")
_LIST = "/api/v1/salesOrders"
_CHUNK = 1000


@dataclass(frozen=True)
class Recording:
    """Where one recording lives: `pages.bin`/`views.bin` and their offsets."""

    folder: Path

    @property
    def orders(self) -> int:
        return int(json.loads((self.folder / "meta.json").read_text())["orders"])

    def page_bodies(self) -> list[bytes]:
        return _all_bodies(self.folder / "pages")

    def view_bodies(self) -> list[bytes]:
        return _all_bodies(self.folder / "views")


def record(orders: int, folder: Path, seed: int = 42) -> Recording:
    """Render the list pages and views of an instance with `orders` orders (kept if already there)."""
    recording = Recording(folder)
    if (folder / "meta.json").exists():
        return recording
    folder.mkdir(parents=True, exist_ok=True)
    world = World(EmulatorSettings(orders=orders, products=10, customers=10, seed=seed))
    ids = world.order_ids()
    pages = max(1, -(-len(ids) // PAGE_SIZE))
    _write(folder / "pages", (world.list_body("salesOrder.list", _query(number)).encode()
                              for number in range(1, pages + 1)), range(1, pages + 1))
    _write(folder / "views", (b'{"data":' + world.view_json("salesOrder.view", order_id).encode() + b"}"
                              for order_id in ids), [int(order_id) for order_id in ids])
    (folder / "meta.json").write_text(json.dumps({"orders": len(ids), "seed": seed}))
    return recording


def _query(number: int) -> ListQuery:
    return ListQuery(number=number, size=PAGE_SIZE, order=(("id", False),))


def _write(stem: Path, bodies: Iterable[bytes], keys: Iterable[int]) -> None:
    offsets = array("q", [0])
    with open(stem.with_suffix(".bin"), "wb") as out:
        for body in bodies:
            out.write(body)
            offsets.append(offsets[-1] + len(body))
    stem.with_suffix(".keys").write_bytes(array("q", keys).tobytes())
    stem.with_suffix(".offsets").write_bytes(offsets.tobytes())


def _int64s(file: Path) -> array:
    values = array("q")
    values.frombytes(file.read_bytes())
    return values


def _all_bodies(stem: Path) -> list[bytes]:
    data = stem.with_suffix(".bin").read_bytes()
    offsets = _int64s(stem.with_suffix(".offsets"))
    return [data[start:end] for start, end in zip(offsets, offsets[1:], strict=False)]


class _Bodies:
    """Bodies by integer key, read from disk on demand (keys sorted ascending)."""

    def __init__(self, stem: Path) -> None:
        self._keys = _int64s(stem.with_suffix(".keys"))
        self._offsets = _int64s(stem.with_suffix(".offsets"))
        self._file = open(stem.with_suffix(".bin"), "rb")  # noqa: SIM115 - lives as long as the session

    def __deepcopy__(self, memo: dict) -> _Bodies:
        return self  # read-only; rest_api deep-copies its configuration, session included

    def get(self, key: int) -> bytes | None:
        index = bisect_left(self._keys, key)
        if index >= len(self._keys) or self._keys[index] != key:
            return None
        self._file.seek(int(self._offsets[index]))
        return self._file.read(int(self._offsets[index + 1] - self._offsets[index]))


class ReplayAdapter(BaseAdapter):
    """Answers list pages (by `page[number]`, any filter ignored) and views from a recording."""

    def __init__(self, recording: Recording) -> None:
        super().__init__()
        self._pages = _Bodies(recording.folder / "pages")
        self._views = _Bodies(recording.folder / "views")
        self._total = recording.orders
        self.requests = 0

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        self.requests += 1
        path, _, query = (request.url or "").removeprefix(BASE_URL).partition("?")
        body = self._body(path, query)
        response = requests.Response()
        response.status_code = 200 if body is not None else 404
        response._content = body if body is not None else b'{"message":"Not found"}'
        response.headers["Content-Type"] = "application/json"
        response.headers["Date"] = _http_date(int(time.time()))
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        return response

    def _body(self, path: str, query: str) -> bytes | None:
        found = _VIEW.match(path)
        if found:
            return self._views.get(int(found.group(1)))
        if path == _LIST:
            number = int(parse_qs(query).get("page[number]", ["1"])[0])
            page = self._pages.get(number)
            if page is not None:
                return page
            extra = {"totalCount": self._total, "page": {"number": number, "size": PAGE_SIZE}}
            return json.dumps({"data": [], "extra": extra}).encode()
        return None

    def close(self) -> None:
        pass


@lru_cache(maxsize=2)
def _http_date(second: int) -> str:
    """The `Date` header of an answer within `second` (formatting it costs more than the rest of an answer)."""
    return formatdate(second, usegmt=True)


def replay_session(recording: Recording) -> requests.Session:
    """A session whose every request is answered from the recording."""
    session = requests.Session()  # as the sync's own client builds it
    session.mount(BASE_URL, ReplayAdapter(recording))
    return session
