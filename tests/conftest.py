"""Shared fixtures. The emulator part: `emulator` (defaults) and `emulator_factory(**settings)`."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pipelines.emulator import EmulatorSettings, RunningEmulator, start_emulator


@pytest.fixture
def emulator_factory() -> Iterator[Callable[..., RunningEmulator]]:
    """Start emulators with keyword settings (ephemeral ports); all are stopped at teardown."""
    started: list[RunningEmulator] = []

    def factory(**settings: Any) -> RunningEmulator:
        emulator = start_emulator(EmulatorSettings(**settings))
        started.append(emulator)
        return emulator

    yield factory
    for emulator in started:
        emulator.stop()


@pytest.fixture
def emulator(emulator_factory: Callable[..., RunningEmulator]) -> RunningEmulator:
    """An emulator with default settings."""
    return emulator_factory()


@pytest.fixture(autouse=True, scope="session")
def _quiet_dlt() -> Iterator[None]:
    """dlt warns about every all-null column of the emulator's data; keep test output readable."""
    import os

    previous = os.environ.get("RUNTIME__LOG_LEVEL")
    os.environ["RUNTIME__LOG_LEVEL"] = "ERROR"
    yield
    if previous is None:
        os.environ.pop("RUNTIME__LOG_LEVEL", None)
    else:
        os.environ["RUNTIME__LOG_LEVEL"] = previous
