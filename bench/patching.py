"""Hand the sync's HTTP client a session of the benchmark's choosing (replay, timing hooks)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from unittest import mock

import requests

from pipelines.api import connect
from pipelines.api.client import XentralClient


@contextmanager
def sync_session(session: requests.Session) -> Iterator[None]:
    """Every `XentralClient` the sync builds sends through `session`."""
    with mock.patch.object(connect, "XentralClient", partial(XentralClient, session=session)):
        yield
