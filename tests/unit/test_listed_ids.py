"""A listing's ids come back exactly as listed, each once, whatever their form."""

from __future__ import annotations

import sys

from pipelines.xentral.listed_ids import ListedIds


def test_ids_come_back_exactly_as_listed_and_each_once() -> None:
    odd_forms = ["007", "0", "A-17", "-5", "+5", "12345678901234567890", "１２", " 3", ""]
    ids = ListedIds()
    ids.update(["1", "2", "200001"] + odd_forms)
    ids.update(["2", "200001", "A-17", "007"])  # a page read twice

    assert len(ids) == 3 + len(odd_forms)
    assert sorted(ids.as_arrow().to_pylist()) == sorted(["1", "2", "200001", *odd_forms])


def test_an_empty_listing_has_no_ids() -> None:
    ids = ListedIds()
    assert len(ids) == 0
    assert ids.as_arrow().to_pylist() == []


def test_plain_numbers_cost_eight_bytes_each() -> None:
    ids = ListedIds()
    listed = [str(number) for number in range(1, 100_001)]
    as_strings = sys.getsizeof(set(listed)) + sum(sys.getsizeof(listed_id) for listed_id in listed)
    ids.update(listed)
    assert len(ids) == 100_000
    held = sys.getsizeof(ids._numbers) + sys.getsizeof(ids._texts)
    assert held < 1_000_000 < as_strings / 5
