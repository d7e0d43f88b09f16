"""docs/data-dictionary.md documents every mart and every column, as built."""

from __future__ import annotations

import re
from pathlib import Path

from tests.models.conftest import select
from tests.models.test_marts import _two_currencies

DICTIONARY = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


def documented_columns() -> dict[str, set[str]]:
    """Per `## \\`model\\`` heading, the columns of its table (`| \\`column\\` | ...`)."""
    documented: dict[str, set[str]] = {}
    model = None
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = re.match(r"## `(\w+)`", line)
            model = heading.group(1) if heading else None
            if model:
                documented[model] = set()
        column = re.match(r"\| `(\w+)` \|", line)
        if model and column:
            documented[model].add(column.group(1))
    return documented


def test_every_mart_and_column_is_documented(connection, build) -> None:
    build(_two_currencies())
    built = select(connection, "select table_name, column_name from information_schema.columns "
                               "where table_schema = 'analytics' and not table_name like 'stg_%'")
    columns: dict[str, set[str]] = {}
    for row in built:
        columns.setdefault(row["table_name"], set()).add(row["column_name"])

    documented = documented_columns()

    assert set(columns) == set(documented)
    for table, names in columns.items():
        assert names == documented[table], table
