"""Row dicts to Arrow tables, flattened and typed as dlt would: the fast path through extract and normalize.

dlt normalizes dict rows one at a time in Python, which was most of a sync's local time
(bench/RESULTS.md); an Arrow table goes through extract and normalize as a whole. The tables
are the same either way: nested objects flatten into `parent__child` columns named by dlt's
naming convention, lists stay whole as JSON text (the resources hint those columns `json`),
money is DECIMAL, timestamps are instants in UTC, and a column dlt already knows keeps its type.

Whatever cannot be typed exactly like that (a value that does not fit its column, a name two
keys share) gives no table: the caller yields those rows as dicts and dlt's own normalizer
decides, variant columns and all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson
import pyarrow as pa
from dlt.common.destination.capabilities import DestinationCapabilitiesContext
from dlt.common.libs.pyarrow import get_py_arrow_datatype
from dlt.common.normalizers.naming import NamingConvention
from dlt.common.schema import Schema

_LARGEST_AMOUNT = Decimal(10) ** 29
log = logging.getLogger(__name__)

_UNFIT = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, ValueError, TypeError, OverflowError)
"""What a value that does not fit its column raises while the column is built."""


@dataclass
class FlatRows:
    """Rows flattened into columns (None where a row lacks the key), with the columns that hold lists."""

    columns: dict[str, list[Any]] = field(default_factory=dict)
    count: int = 0
    list_columns: set[str] = field(default_factory=set)
    ambiguous: bool = False
    """Two keys of one row name the same column (`fooBar`, `foo_bar`)."""

    def end_row(self) -> None:
        self.count += 1

    def pad(self) -> None:
        """Give every column a value (None) for the rows that lacked its key."""
        for column in self.columns.values():
            column.extend([None] * (self.count - len(column)))


class ArrowTables:
    """Flattens rows and builds Arrow tables for one dlt schema (its naming, preferred types, known columns)."""

    def __init__(self, schema: Schema, capabilities: DestinationCapabilitiesContext) -> None:
        self._schema = schema
        self._naming: NamingConvention = schema.naming
        self._capabilities = capabilities
        self._names: dict[str, dict[str, str]] = {}
        """Column names by parent column ('' for the top) and key: each is worked out once."""
        self._paths: dict[str, tuple[str, ...]] = {"": ()}
        self._row_id: Any = None  # the row being flattened, for messages

    def flatten(self, rows: Sequence[Mapping[str, Any]]) -> FlatRows:
        """Nested objects into `parent__child` columns; lists stay whole."""
        flat = FlatRows()
        for row in rows:
            self._row_id = row.get("id")
            self._flatten_into(flat, row, "")
            flat.end_row()
        return flat

    def table(self, table_name: str, flat: FlatRows) -> pa.Table | None:
        """The rows as one Arrow table for `table_name`; None where only dlt's per-row path can type them."""
        if flat.ambiguous:
            return None
        flat.pad()
        known = self._schema.get_table_columns(table_name) if table_name in self._schema.tables else {}
        arrays: dict[str, pa.Array] = {}
        for name, values in flat.columns.items():
            if all(value is None for value in values):
                continue  # as dlt does with a None: no column for it, nulls where the column exists
            array = self._column(values, name, known.get(name))
            if array is None:
                return None
            arrays[name] = array
        if not arrays:
            return None
        return pa.Table.from_arrays(list(arrays.values()), names=list(arrays))

    def _flatten_into(self, flat: FlatRows, value: Mapping[str, Any], parent: str) -> None:
        names = self._names.get(parent)
        if names is None:
            names = self._names[parent] = {}
        for key, item in value.items():
            name = names.get(key)
            if name is None:
                name = names[key] = self._name(parent, key)
            if key == "amount" and item is not None and not _storable(item):
                log.warning("%s of row %s: %r does not fit DECIMAL(38,9); stored as NULL", name, self._row_id, item)
                value[key] = item = None  # type: ignore[index]  # the row itself, so the dict path stores NULL too
            kind = type(item)  # exact types: decoded JSON, and isinstance on ABCs is slow
            if kind is dict:
                self._flatten_into(flat, item, name)
                continue
            if kind is list:
                flat.list_columns.add(name)
            # appended in place, not through a method: this runs for every value of every row
            column = flat.columns.get(name)
            if column is None:
                column = flat.columns[name] = [None] * flat.count
            elif len(column) != flat.count:
                if len(column) > flat.count:  # this row set it already
                    flat.ambiguous = True
                    continue
                column.extend([None] * (flat.count - len(column)))
            column.append(item)

    def _name(self, parent: str, key: str) -> str:
        naming = self._naming
        path = (*self._paths[parent], key)
        name = naming.normalize_path(naming.make_path(*map(naming.normalize_identifier, path)))
        self._paths.setdefault(name, path)
        return name

    def _column(self, values: list[Any], name: str, known: Mapping[str, Any] | None) -> pa.Array | None:
        """The column's values as the Arrow type of its known or preferred data type, else as inferred."""
        data_type = known.get("data_type") if known else self._schema.get_preferred_type(name)
        try:
            if data_type is None:
                return _inferred(values)
            return _typed(values, data_type, known, self._capabilities)
        except _UNFIT:
            return None


def _storable(amount: Any) -> bool:
    """An amount DECIMAL(38,9) holds (29 digits before the point); text that is no number is dlt's to judge.

    The spec bounds no amount; one beyond would fail every load of its package, night after night.
    """
    try:
        return abs(Decimal(repr(amount) if type(amount) is float else str(amount))) < _LARGEST_AMOUNT
    except InvalidOperation:
        return True


def _inferred(values: list[Any]) -> pa.Array:
    """A column dlt does not know yet: lists as JSON text, anything else as Arrow infers it."""
    if any(type(value) is list for value in values):
        return pa.array([_json(value) for value in values], type=pa.string())
    return pa.array(values)


def _typed(
    values: list[Any], data_type: str, known: Mapping[str, Any] | None, caps: DestinationCapabilitiesContext
) -> pa.Array:
    """Values converted to `data_type` (with the known column's precision); raises where one does not fit."""
    converter = _CONVERTERS.get(data_type)
    if converter is not None:
        arrow_type, convert = converter
        return pa.array([None if value is None else convert(value) for value in values], type=arrow_type)
    arrow_type = get_py_arrow_datatype({**(known or {}), "data_type": data_type}, caps, "UTC")
    if data_type in _STRICT:
        return pa.array(values, type=arrow_type)
    array = pa.array(values)  # numbers as they are, then a safe cast: 2.0 fits a bigint, 1.5 does not
    return array if array.type == arrow_type else array.cast(arrow_type)


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _timestamp(value: Any) -> datetime:
    if type(value) is datetime:
        return value
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:  # dlt's per-row path decides what a time without offset means
        raise ValueError(f"{value!r} has no offset")
    return parsed


def _date(value: Any) -> date:
    return value if type(value) is date else date.fromisoformat(value)


def _list_json(value: Any) -> str | None:
    if type(value) is not list:
        raise TypeError(f"{value!r} is not a list")
    return _json(value)


_CONVERTERS: dict[str, tuple[pa.DataType, Callable[[Any], Any]]] = {
    "timestamp": (pa.timestamp("us", tz="UTC"), _timestamp),
    "date": (pa.date32(), _date),
    "json": (pa.string(), _list_json),
}
"""Types whose values Arrow would not convert as dlt does: ISO strings, lists."""

_STRICT = ("text", "bool")
"""Types Arrow builds only from values of that type (no number as text, no 1 as true)."""
