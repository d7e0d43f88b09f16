"""A Ctrl-C whose KeyboardInterrupt Python dropped (it landed in a finalizer) still stops the run."""

from __future__ import annotations

import os
import signal

import pytest

from pipelines.api.client import XentralClient
from pipelines.interrupts import interrupts_remembered, raise_if_interrupted
from tests.client.helpers import BASE_URL, list_body


class _Finalized:
    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # its KeyboardInterrupt is "Exception ignored in ..."


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the drop is the point
def test_a_lost_interrupt_stops_the_next_request(client: XentralClient, requests_mock) -> None:
    requests_mock.get(f"{BASE_URL}/api/v1/shippingMethods", json=list_body([{"id": "1"}], total=1, size=10))
    with interrupts_remembered():
        _Finalized()  # dropped at once: the signal arrives inside __del__
        with pytest.raises(KeyboardInterrupt):
            client.check_connection()
    assert not requests_mock.called


def test_sigterm_is_ctrl_c_within_the_block_and_the_handlers_come_back() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with interrupts_remembered(), pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before
    with interrupts_remembered():
        raise_if_interrupted()  # a new block starts without the old signal
