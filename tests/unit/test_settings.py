"""Where settings come from (flags, environment, .env, .dlt/, defaults), and that the docs agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pipelines.api.errors import ConfigError
from pipelines.settings import DEFAULTS, resolve_settings, setting_fields, shown_default

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".dlt").mkdir()
    return tmp_path


def _config(project: Path, body: str, file_name: str = "config.toml") -> None:
    (project / ".dlt" / file_name).write_text(f"[sources.xentral]\n{body}\n", encoding="utf-8")


def test_flag_wins_over_environment_over_dotenv_over_dlt_files_over_defaults(project: Path) -> None:
    _config(project, 'instance_host = "file.xentral.biz"\nrate_limit = 50\nrate_window_seconds = 30\ndataset = "raw"')
    (project / ".env").write_text("SOURCES__XENTRAL__RATE_WINDOW_SECONDS=20\nSOURCES__XENTRAL__DATASET=dotenv\n")
    environ = {"XENTRAL_INSTANCE_HOST": "env.xentral.biz", "SOURCES__XENTRAL__DATASET": "environment"}
    settings = resolve_settings({"rate_limit": "20"}, environ, project)
    assert settings.instance_host == "env.xentral.biz"
    assert settings.rate_limit == 20  # the flag
    assert settings.dataset == "environment"
    assert settings.rate_window_seconds == 20.0  # .env over .dlt/config.toml
    assert settings.rows_per_load == DEFAULTS.rows_per_load == 5000


def test_the_host_is_read_from_dotenv_like_the_token(project: Path) -> None:
    (project / ".env").write_text("XENTRAL_INSTANCE_HOST=dotenv.xentral.biz\nXENTRAL_API_TOKEN=from-dotenv\n")
    settings = resolve_settings({}, {}, project)
    assert settings.require_instance() == ("dotenv.xentral.biz", "from-dotenv")
    assert settings.token_source() == "XENTRAL_API_TOKEN in .env"
    assert "from-dotenv" not in repr(settings)


def test_token_from_secrets_toml_the_dlt_way(project: Path) -> None:
    _config(project, 'api_token = "from-secrets"', "secrets.toml")
    settings = resolve_settings({"instance_host": "acme.xentral.biz"}, {}, project)
    assert settings.api_token == "from-secrets"
    assert settings.token_source() == "api_token under [sources.xentral] in .dlt/secrets.toml"


@pytest.mark.parametrize(
    ("missing", "names"),
    [({}, r"--instance.*XENTRAL_INSTANCE_HOST.*instance_host"), ({"instance_host": "a.xentral.biz"}, r"XENTRAL_API_TOKEN.*\.env.*secrets\.toml")],
)
def test_a_missing_host_or_token_names_every_place_it_may_come_from(project: Path, missing: dict, names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        resolve_settings(missing, {}, project).require_instance()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"rate_headroom": "1.5"}, r"rate_headroom from the flag --rate-headroom is not valid: '1.5' is not a share"),
        ({"rate_window_seconds": "0"}, r"rate_window_seconds from the flag --rate-window is not valid: '0' is not a number above 0"),
        ({"rows_per_load": 0}, r"rows_per_load .* 0 is not a whole number of 1 or more"),
        ({"duckdb_memory_limit": "lots"}, r"duckdb_memory_limit .* 'lots' is not a size like 512MB"),
        ({"dataset": "my-data"}, r"dataset .* 'my-data' is not a schema name"),
        ({"discount_mode": "percentage"}, r"discount_mode .* 'percentage' is not one of fraction, percent"),
        ({"api": "v2"}, r"api from the flag --api is not valid: 'v2' is not one of auto, v1, v3"),
    ],
)
def test_a_value_that_is_not_valid_is_named_with_where_it_came_from(project: Path, flags: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_settings(flags, {}, project)


def test_a_wrong_kind_in_the_toml_and_a_broken_toml_are_named(project: Path) -> None:
    _config(project, 'rate_limit = "lots"')
    with pytest.raises(ConfigError, match=r"rate_limit from rate_limit under \[sources.xentral\] in .dlt/config.toml"):
        resolve_settings({}, {}, project)
    (project / ".dlt" / "config.toml").write_text("[sources.xentral\n")
    with pytest.raises(ConfigError, match="config.toml is not valid TOML"):
        resolve_settings({}, {}, project)


def test_an_invalid_token_value_never_shows_in_the_message(project: Path) -> None:
    # a token is free text: only an empty one is "not given"; nothing about it is echoed
    settings = resolve_settings({}, {"XENTRAL_API_TOKEN": "  s3cret  "}, project)
    assert settings.api_token == "s3cret"


def _readme_rows() -> dict[str, tuple[str, str]]:
    """The README's configuration table: key -> (flag, default)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)`[^|]*\| (`[^`]*`)? *\| `([^`]*)` \|", readme, re.MULTILINE)
    return {key: (flag.strip("`"), default) for key, flag, default in rows}


def test_the_readme_configuration_table_is_the_settings() -> None:
    expected = {item.name: (item.metadata["flag"] or "", shown_default(item.default)) for item in setting_fields()}
    assert _readme_rows() == expected


def test_dlt_config_toml_lists_every_setting_with_its_default() -> None:
    text = (ROOT / ".dlt" / "config.toml").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^# (\w+) = (.+?)\s+#", text, re.MULTILINE))
    settings = {item.name: item for item in setting_fields() if not item.metadata["secret"]}
    assert listed.keys() == settings.keys()
    for name, value in listed.items():
        default = settings[name].default
        if default is not None:
            assert shown_default(tomllib.loads(f"v = {value}")["v"]) == shown_default(default), name
    assert tomllib.loads(text)["sources"]["xentral"] == {}  # only comments: the code's defaults are the defaults
