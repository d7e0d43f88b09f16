"""Several instances in `.dlt/`: each one's host, token, dataset and rate limit, and one line for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.api.errors import ConfigError
from pipelines.settings import configured_instances, resolve_settings

CONFIG = """
[sources.xentral]
rate_limit = 80

[sources.xentral.instances.brand_a]
instance_host = "a.xentral.biz"
api_token_env = "BRAND_A_TOKEN"
rate_limit = 300

[sources.xentral.instances.brand_b]
instance_host = "b.xentral.biz"
dataset = "raw_b"
"""


def _project(tmp_path: Path, config: str = CONFIG, secrets: str = "") -> Path:
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text(config, encoding="utf-8")
    (tmp_path / ".dlt" / "secrets.toml").write_text(secrets, encoding="utf-8")
    return tmp_path


def _instances(project: Path, environ: dict[str, str]) -> dict:
    base = resolve_settings({}, environ, project)
    return configured_instances(base, environ, project)


def test_each_instance_is_the_common_settings_with_its_own_keys(tmp_path: Path) -> None:
    project = _project(tmp_path, secrets='[sources.xentral.instances.brand_b]\napi_token = "token-b"\n')
    (project / ".env").write_text("BRAND_A_TOKEN=token-a\n", encoding="utf-8")
    environ = {"XENTRAL_INSTANCE_HOST": "single.xentral.biz", "XENTRAL_API_TOKEN": "single-token",
               "SOURCES__XENTRAL__INSTANCES__BRAND_B__RATE_HEADROOM": "0.5"}

    instances = _instances(project, environ)

    brand_a, brand_b = instances["brand_a"], instances["brand_b"]
    assert list(instances) == ["brand_a", "brand_b"]
    assert (brand_a.instance_host, brand_a.api_token, brand_a.rate_limit) == ("a.xentral.biz", "token-a", 300)
    assert (brand_b.instance_host, brand_b.api_token, brand_b.rate_limit) == ("b.xentral.biz", "token-b", 80)
    assert (brand_a.dataset, brand_a.models_schema) == ("xentral_brand_a", "analytics_brand_a")
    assert (brand_b.dataset, brand_b.models_schema, brand_b.rate_headroom) == ("raw_b", "analytics_brand_b", 0.5)
    assert brand_a.token_source() == "BRAND_A_TOKEN (api_token_env of [sources.xentral.instances.brand_a])"
    assert "token-a" not in repr(brand_a)


@pytest.mark.parametrize(("config", "environ", "message"), [
    (CONFIG, {}, r"no API token for \[sources.xentral.instances.brand_a\]: set api_token_env"),
    (CONFIG.replace('instance_host = "b.xentral.biz"', ""), {"BRAND_A_TOKEN": "t"},
     r"\[sources.xentral.instances.brand_b\] names no instance_host"),
    (CONFIG + "duckdb_path = 'b.duckdb'\n", {"BRAND_A_TOKEN": "t"},
     r"\[sources.xentral.instances.brand_b\] has unknown key\(s\) duckdb_path"),
    (CONFIG.replace("brand_a", "Brand-A"), {}, r"\[sources.xentral.instances.Brand-A\]: the instance's name"),
    (CONFIG.replace("rate_limit = 300", "rate_limit = 0"), {"BRAND_A_TOKEN": "t"},
     r"rate_limit from rate_limit under \[sources.xentral.instances.brand_a\] in .dlt/config.toml is not valid"),
], ids=["no-token", "no-host", "shared-key", "bad-name", "bad-value"])
def test_a_mistake_in_an_instance_is_one_line_naming_it(
    tmp_path: Path, config: str, environ: dict[str, str], message: str
) -> None:
    project = _project(tmp_path, config, secrets='[sources.xentral.instances.brand_b]\napi_token = "token-b"\n')
    with pytest.raises(ConfigError, match=message):
        _instances(project, environ)


def test_no_instances_configured_is_an_empty_mapping(tmp_path: Path) -> None:
    assert _instances(_project(tmp_path, "[sources.xentral]\nrate_limit = 80\n"), {}) == {}
