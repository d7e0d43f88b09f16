"""The sync's DuckDB destination answers dlt's capabilities as dlt's own would, working them out once."""

from __future__ import annotations

import dlt
import pytest
from dlt.common.normalizers.naming import snake_case, sql_cs_v1

from pipelines.xentral.destination import DuckDbDestination


@pytest.mark.parametrize("naming", [None, snake_case.NamingConvention(), sql_cs_v1.NamingConvention()],
                         ids=["no-naming", "case-insensitive", "case-sensitive"])
def test_the_capabilities_are_dlts_own(naming) -> None:
    ours = DuckDbDestination(":memory:").capabilities(naming=naming)
    dlts = dlt.destinations.duckdb(":memory:").capabilities(naming=naming)
    assert {key: value for key, value in ours.items() if not callable(value)} == {
        key: value for key, value in dlts.items() if not callable(value)
    }
    assert ours.casefold_identifier is dlts.casefold_identifier


def test_the_configuration_is_resolved_once_per_case_sensitivity(monkeypatch: pytest.MonkeyPatch) -> None:
    destination = DuckDbDestination(":memory:")
    resolved: list[object] = []
    resolve = dlt.destinations.duckdb.configuration
    monkeypatch.setattr(DuckDbDestination, "configuration",
                        lambda self, *args, **kwargs: resolved.append(args) or resolve(self, *args, **kwargs))
    case_insensitive, case_sensitive = snake_case.NamingConvention(), sql_cs_v1.NamingConvention()

    first = destination.capabilities(naming=case_insensitive)
    assert destination.capabilities(naming=snake_case.NamingConvention()) is first
    assert destination.capabilities(naming=case_sensitive) is not first
    assert destination.capabilities(naming=case_sensitive) is destination.capabilities(naming=case_sensitive)
    assert len(resolved) == 2

