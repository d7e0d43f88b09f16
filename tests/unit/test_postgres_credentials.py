"""PostgreSQL credentials are read where dlt reads them, and a bad one is one line naming where it was given."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.api.errors import ConfigError
from pipelines.postgres import ENV, PostgresCredentials, resolve_postgres_credentials
from pipelines.settings import resolve_settings

URI = "postgresql://loader:s3cret@db.example.com:5433/warehouse"


def dlt_file(folder: Path, name: str, body: str) -> None:
    (folder / ".dlt").mkdir(exist_ok=True)
    (folder / ".dlt" / name).write_text(body, encoding="utf-8")


def test_the_environment_wins_over_secrets_toml(tmp_path: Path) -> None:
    dlt_file(tmp_path, "secrets.toml", '[destination.postgres]\ncredentials = "postgresql://other@h/other"\n')

    credentials = resolve_postgres_credentials({ENV: URI}, tmp_path)

    assert credentials == PostgresCredentials(URI, f"{ENV} in the environment")
    assert (credentials.user, credentials.database, credentials.server) == ("loader", "warehouse", "db.example.com:5433")
    assert credentials.shown == "postgresql://loader:***@db.example.com:5433/warehouse"


def test_secrets_toml_as_a_uri_or_as_dlts_table_of_parts(tmp_path: Path) -> None:
    dlt_file(tmp_path, "secrets.toml", f'[destination.postgres]\ncredentials = "{URI}"\n')
    assert resolve_postgres_credentials({}, tmp_path) == PostgresCredentials(
        URI, "credentials under [destination.postgres] in .dlt/secrets.toml")

    dlt_file(tmp_path, "secrets.toml", '[destination.postgres.credentials]\ndatabase = "warehouse"\n'
             'username = "loader"\npassword = "p@ss:w/rd"\nhost = "db.example.com"\nport = 5433\n')
    credentials = resolve_postgres_credentials({}, tmp_path)
    assert credentials.uri == "postgresql://loader:p%40ss%3Aw%2Frd@db.example.com:5433/warehouse"
    assert credentials.source == "[destination.postgres.credentials] in .dlt/secrets.toml"


def test_one_variable_per_part_as_dlt_reads_them_and_dot_env(tmp_path: Path) -> None:
    parts = {f"{ENV}__DATABASE": "warehouse", f"{ENV}__USERNAME": "loader", f"{ENV}__PASSWORD": "s3cret",
             f"{ENV}__HOST": "/var/run/postgresql"}
    credentials = resolve_postgres_credentials(parts, tmp_path)
    assert credentials.uri == "postgresql://loader:s3cret@%2Fvar%2Frun%2Fpostgresql/warehouse"
    assert credentials.server == "/var/run/postgresql:5432"

    (tmp_path / ".env").write_text(f"{ENV}={URI}\n", encoding="utf-8")
    assert resolve_postgres_credentials({}, tmp_path).source == f"{ENV} in .env"


def test_none_given_says_where_to_put_them(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=rf"no PostgreSQL credentials: set {ENV}=postgresql://USER:PASSWORD@HOST:5432"
                                          r"/DATABASE .*\[destination.postgres\] in .dlt/secrets.toml"):
        resolve_postgres_credentials({}, tmp_path)


@pytest.mark.parametrize(("uri", "reason"), [
    ("mysql://loader:s3cret@h/db", "it must start postgresql://"),
    ("postgresql:/loader:s3cret@h/db", "names no server"),
    ("postgresql://loader:s3cret@h:port/db", "Port could not be cast"),
    ("postgresql://loader:s3cret@h:5432", "names no database"),
    ("//loader:s3cret@h/db", "it must start postgresql://"),
])
def test_a_uri_of_another_shape_names_the_setting_and_hides_the_password(tmp_path: Path, uri: str, reason: str) -> None:
    with pytest.raises(ConfigError) as raised:
        resolve_postgres_credentials({ENV: uri}, tmp_path)
    message = str(raised.value)
    assert message.startswith(f"{ENV} in the environment") and reason in message
    assert "postgresql://USER:PASSWORD@HOST:5432/DATABASE" in message and "s3cret" not in message


def test_the_destination_is_a_setting_of_its_own(tmp_path: Path) -> None:
    assert resolve_settings({}, {}, tmp_path).destination == "duckdb"
    dlt_file(tmp_path, "config.toml", '[sources.xentral]\ndestination = "Postgres"\n')
    assert resolve_settings({}, {}, tmp_path).destination == "postgres"
    with pytest.raises(ConfigError, match="setting destination from the flag --destination is not valid: 'mysql'"):
        resolve_settings({"destination": "mysql"}, {}, tmp_path)
