"""Ctrl-C and SIGTERM as the CLI handles them: a KeyboardInterrupt at once, and remembered.

Python drops an exception raised while a finalizer runs ("Exception ignored in ..."), so an
interrupt that lands there is lost and the run goes on. Remembered, it still stops the run: at
the client's next request (`raise_if_interrupted`), or at the latest when the command returns.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

_received = threading.Event()


def _interrupt(signum: int, frame: Any) -> NoReturn:
    _received.set()
    raise KeyboardInterrupt


def raise_if_interrupted() -> None:
    """Raise the KeyboardInterrupt of a signal whose first one was lost."""
    if _received.is_set():
        raise KeyboardInterrupt


@contextmanager
def interrupts_remembered() -> Iterator[None]:
    """Within the block, SIGTERM (a scheduler stopping the job) ends the run like Ctrl-C, and both
    are remembered. A Ctrl-C that the process was started to ignore (a job run in the background)
    stays ignored."""
    _received.clear()
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGTERM, _interrupt)
    if previous[signal.SIGINT] is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
