"""pyproject.toml declares exactly what the code imports: nothing unused, nothing only arriving with another package."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_IMPORTED = {"tzdata", "ruff", "pytest-xdist"}
"""Declared for what they provide without an import: zone data, the linter, a pytest plugin."""


def _declared(group: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-") for requirement in group}


def _imported(*folders: str) -> set[str]:
    """The distributions whose top-level modules the files under `folders` import."""
    owners = packages_distributions()
    modules: set[str] = set()
    for folder in folders:
        for file in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - {"pipelines", "tests", "bench", "__future__"}
    return {owners[module][0].lower().replace("_", "-") for module in third_party if module in owners}


def test_runtime_dependencies_are_what_the_product_imports() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert _declared(project["dependencies"]) - NOT_IMPORTED == _imported("pipelines")


def test_dev_dependencies_are_what_the_tests_and_benchmarks_import_beyond_the_product() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _declared(project["dependencies"])
    assert _declared(project["optional-dependencies"]["dev"]) - NOT_IMPORTED == _imported("tests", "bench") - runtime
