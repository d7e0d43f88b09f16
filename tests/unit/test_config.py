"""Where settings come from: flags over environment over .env over .dlt/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dlt.common.configuration.container import Container
from dlt.common.configuration.specs.pluggable_run_context import PluggableRunContext

from pipelines.xentral.config import resolve_sync_config
from pipelines.xentral.errors import ConfigError


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty project folder as the working directory, with no Xentral variables set."""
    for name in ("XENTRAL_INSTANCE_HOST", "XENTRAL_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".dlt").mkdir()
    yield tmp_path
    _reload_dlt_config()


def _reload_dlt_config() -> None:
    """dlt reads `.dlt/` of the working folder once per process; these tests move between folders."""
    Container()[PluggableRunContext].reload()


def test_flag_wins_over_environment_and_files(project: Path) -> None:
    (project / ".dlt" / "config.toml").write_text('[sources.xentral]\ninstance_host = "file.xentral.biz"\nrate_limit = 50\n')
    _reload_dlt_config()
    config = resolve_sync_config({"instance": "flag.xentral.biz", "rate_limit": 20}, {"XENTRAL_INSTANCE_HOST": "env.xentral.biz", "XENTRAL_API_TOKEN": "t"})
    assert (config.base_url, config.rate_limit) == ("https://flag.xentral.biz", 20)


def test_environment_wins_over_files_and_files_over_defaults(project: Path) -> None:
    (project / ".dlt" / "config.toml").write_text('[sources.xentral]\ninstance_host = "file.xentral.biz"\nrate_limit = 50\n')
    _reload_dlt_config()
    config = resolve_sync_config({}, {"XENTRAL_INSTANCE_HOST": "env.xentral.biz", "XENTRAL_API_TOKEN": "t"})
    assert (config.base_url, config.rate_limit, config.rate_window_seconds) == ("https://env.xentral.biz", 50, 60.0)


@pytest.mark.parametrize("where", ["dotenv", "secrets"])
def test_token_from_dotenv_or_secrets_toml(project: Path, where: str) -> None:
    if where == "dotenv":
        (project / ".env").write_text("XENTRAL_API_TOKEN=from-dotenv\n")
    else:
        (project / ".dlt" / "secrets.toml").write_text('[sources.xentral]\napi_token = "from-secrets"\n')
    _reload_dlt_config()
    config = resolve_sync_config({"instance": "acme.xentral.biz"}, {})
    assert config.token == f"from-{where}"
    assert "from-" not in repr(config)


def test_missing_token_names_every_place_it_may_come_from() -> None:
    _reload_dlt_config()
    with pytest.raises(ConfigError, match=r"XENTRAL_API_TOKEN.*\.env.*secrets\.toml"):
        resolve_sync_config({"instance": "acme.xentral.biz"}, {})


def test_a_setting_of_the_wrong_kind_is_named(project: Path) -> None:
    (project / ".dlt" / "config.toml").write_text('[sources.xentral]\nrate_limit = "lots"\n')
    _reload_dlt_config()
    with pytest.raises(ConfigError, match="rate_limit"):
        resolve_sync_config({"instance": "acme.xentral.biz"}, {"XENTRAL_API_TOKEN": "t"})


def test_duckdb_memory_limit_is_checked_before_anything_runs(project: Path) -> None:
    _reload_dlt_config()  # this test's empty .dlt/, not the previous test's
    env = {"XENTRAL_INSTANCE_HOST": "acme.xentral.biz", "XENTRAL_API_TOKEN": "t"}
    assert resolve_sync_config({}, env).duckdb_memory_limit == "64MB"
    assert resolve_sync_config({"duckdb_memory_limit": "256MB"}, env).duckdb_memory_limit == "256MB"
    with pytest.raises(ConfigError, match="duckdb_memory_limit = 'lots' is not a size like 512MB"):
        resolve_sync_config({"duckdb_memory_limit": "lots"}, env)


def test_rows_per_load_must_be_positive(project: Path) -> None:
    _reload_dlt_config()
    env = {"XENTRAL_INSTANCE_HOST": "acme.xentral.biz", "XENTRAL_API_TOKEN": "t"}
    assert resolve_sync_config({}, env).rows_per_load == 5000
    assert resolve_sync_config({"rows_per_load": 200}, env).rows_per_load == 200
    with pytest.raises(ConfigError, match="rows_per_load = 0 must be a positive whole number"):
        resolve_sync_config({"rows_per_load": 0}, env)
