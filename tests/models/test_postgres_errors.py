"""A PostgreSQL that cannot be used is one line naming the setting and what to do, exit 2, for models and report."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.api.errors import ConfigError
from pipelines.cli import main
from pipelines.postgres import ENV, check_postgres, resolve_postgres_credentials
from tests.postgres import ANALYST_PASSWORD, closed_port

SETTING = f"{ENV} in the environment"


def bad_uri(kind: str, postgres_uri: str) -> str:
    return {
        "wrong uri": postgres_uri + "?no_such_option=1",
        "refused password": postgres_uri.replace(ANALYST_PASSWORD, "not-the-password"),
        "missing database": postgres_uri.rsplit("/", 1)[0] + "/no_such_database",
        "unreachable server": f"postgresql://analyst:{ANALYST_PASSWORD}@127.0.0.1:{closed_port()}/warehouse",
    }[kind]


EXPECTED = {
    "wrong uri": f"{SETTING} is not a PostgreSQL URI (invalid dsn: invalid URI query parameter: \"no_such_option\")",
    "refused password": "refused user 'analyst' and its password: fix the user and password in " + SETTING,
    "missing database": f"has no database 'no_such_database': create it (createdb no_such_database) or name an "
                        f"existing one in {SETTING}",
    "unreachable server": f"(Connection refused): start the server, or fix the host and port in {SETTING}",
}


@pytest.mark.parametrize("kind", list(EXPECTED))
@pytest.mark.parametrize("command", [["models"], ["report", "--by", "month"]], ids=["models", "report"])
def test_an_unusable_postgresql_is_one_line_naming_the_setting(
    kind: str, command: list[str], postgres_uri: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV, bad_uri(kind, postgres_uri))

    code = main([command[0], "--destination", "postgres", *command[1:]])

    captured = capsys.readouterr()
    assert (code, captured.out, captured.err.count("\n")) == (2, "", 1)
    assert captured.err.startswith("error: ") and EXPECTED[kind] in captured.err
    assert ANALYST_PASSWORD not in captured.err and "not-the-password" not in captured.err


def test_check_postgres_lets_the_sync_find_out_before_it_fetches(postgres_uri: str, tmp_path: Path) -> None:
    check_postgres(resolve_postgres_credentials({ENV: postgres_uri}, tmp_path))
    for kind in EXPECTED:
        with pytest.raises(ConfigError, match="DESTINATION__POSTGRES__CREDENTIALS"):
            check_postgres(resolve_postgres_credentials({ENV: bad_uri(kind, postgres_uri)}, tmp_path))


def test_a_database_never_synced_says_to_sync_first(postgres_uri: str, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "secrets.toml").write_text(f'[destination.postgres]\ncredentials = "{postgres_uri}"\n')
    (tmp_path / ".dlt" / "config.toml").write_text('[sources.xentral]\ndestination = "postgres"\n')

    assert main(["models"]) == 2
    assert "holds none of the tables the sync writes; run `xentral-sync sync` first" in capsys.readouterr().err
    assert main(["report"]) == 1
    assert "has no analytics.orders_daily, analytics.stg_xentral__customers yet" in capsys.readouterr().err
