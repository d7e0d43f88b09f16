"""Start an emulator in a background thread."""
from __future__ import annotations

import threading
from typing import Any

from .knobs import EmulatorSettings
from .server import Application, EmulatorServer
from .stats import Stats
from .world import World


class RunningEmulator:
    """A started emulator; use as a context manager or call stop()."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self._app = Application(settings, World(settings))
        self._server = EmulatorServer(self._app, settings.port)
        self.port: int = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._app.base_url = self.base_url
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name=f"xentral-emulator-{self.port}", daemon=True)
        self._thread.start()

    @property
    def settings(self) -> EmulatorSettings:
        return self._app.settings

    @property
    def token(self) -> str:
        return self._app.settings.token

    @property
    def world(self) -> World:
        return self._app.world

    @property
    def stats(self) -> Stats:
        return self._app.stats

    def update_settings(self, **changes: Any) -> EmulatorSettings:
        """Change settings at run time (faults, variants, rate limit, token...)."""
        return self._app.update_settings(**changes)

    def fail_next(self, operation: str, count: int = 1, status: int = 500) -> None:
        """The next `count` requests of an operation id answer `status` (0 ends earlier ones)."""
        self._app.faults.fail_next(operation, count, status)

    def headers(self) -> dict[str, str]:
        """Headers a well-behaved client sends with a GET (the import's Accept is `text/html,
        application/problem+json`: what the spec declares for its answers)."""
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json, application/problem+json"}

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_emulator(settings: EmulatorSettings | None = None, **overrides: Any) -> RunningEmulator:
    """Start serving on 127.0.0.1 (port 0 picks a free one) and return at once."""
    settings = settings or EmulatorSettings()
    if overrides:
        settings = EmulatorSettings(**{**settings.as_dict(), **overrides})
    return RunningEmulator(settings)
