"""The ids a listing showed, held in little memory however large the instance."""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

_MAX_DIGITS = 18
"""Longer decimal ids might not fit a 64-bit integer: they are kept as text."""


class ListedIds:
    """Distinct ids, 8 bytes each where an id is a plain decimal number, as Xentral's are.

    Kept as Python strings, the ids of a listing would be the one part of a sync's memory that
    grows with the instance. An id in any other form (a leading zero, letters, a sign)
    is kept as it is, so every id comes back exactly as listed.
    """

    def __init__(self) -> None:
        self._numbers = array("q")  # a page read twice appends its ids twice; counted once
        self._texts: set[str] = set()

    def update(self, ids: Iterable[str]) -> None:
        for listed_id in ids:
            if is_plain_number(listed_id):
                self._numbers.append(int(listed_id))
            else:
                self._texts.add(listed_id)

    def __len__(self) -> int:
        return len(self._distinct_numbers()) + len(self._texts)

    def as_arrow(self) -> pa.Array:
        """Every id once, as Arrow strings (no Python string per id on the way)."""
        numbers = self._distinct_numbers().cast(pa.string())
        return pa.concat_arrays([numbers, pa.array(sorted(self._texts), type=pa.string())])

    def _distinct_numbers(self) -> pa.Array:
        numbers = pa.Array.from_buffers(pa.int64(), len(self._numbers), [None, pa.py_buffer(self._numbers)])
        return pc.unique(numbers)


def is_plain_number(listed_id: str) -> bool:
    """Digits only, no leading zero (but "0"), short enough for int64: `str(int(id)) == id`."""
    return (
        listed_id.isascii()
        and listed_id.isdigit()
        and len(listed_id) <= _MAX_DIGITS
        and (listed_id[0] != "0" or listed_id == "0")
    )
