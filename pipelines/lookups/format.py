"""Terminal formatting shared by the lookup commands: tables, money, dates, JSON.

Money comes from the API as strings (``"24.99"``) inside objects, and as plain JSON numbers in
the sales order list (``netSales``, ``total``). Both become ``Decimal`` from their text (a JSON
number parsed to float goes back through ``repr``, which gives the shortest text that reads as
the same float, i.e. the digits Xentral sent), so no display ever rounds through binary floats.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from pipelines.api.timestamps import XENTRAL_TIMEZONE
from pipelines.console import text_table

MAX_CELL_WIDTH = 42
NO_VALUE = "-"


@dataclass(frozen=True)
class Column:
    """One table column: its header and whether its cells align right (numbers, money)."""

    header: str
    right: bool = False


def decimal_of(value: Any) -> Decimal | None:
    """The exact decimal of a money string or a JSON number; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def money(amount: Any, currency: str | None = None) -> str:
    """``1,234.50 EUR``: at least two decimals, never fewer digits than sent, thousands grouped."""
    exact = decimal_of(amount)
    if exact is None:
        return NO_VALUE
    if exact.as_tuple().exponent > -2:  # type: ignore[operator]
        with localcontext() as context:
            context.prec = max(28, len(exact.as_tuple().digits) + exact.adjusted() + 3)  # 1e38 has 39 digits
            exact = exact.quantize(Decimal("0.01"))
    text = f"{exact:,f}"
    return f"{text} {currency}" if currency else text


def money_object(value: Any) -> str:
    """A ``{amount, currency}`` object as money text."""
    if not isinstance(value, dict):
        return NO_VALUE
    return money(value.get("amount"), value.get("currency"))


def quantity(value: Any) -> str:
    """A quantity without a float's trailing ``.0``."""
    exact = decimal_of(value)
    if exact is None:
        return NO_VALUE
    return f"{exact.normalize():f}" if exact == exact.to_integral_value() else f"{exact:f}"


def timestamp(value: Any) -> str:
    """``2024-01-02 22:34:31 +01:00``: the instance's local time (a ``Z`` one shown there too), with its offset."""
    if not isinstance(value, str) or not value:
        return NO_VALUE
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return f"{moment:%Y-%m-%d %H:%M:%S}"
    local = moment.astimezone(XENTRAL_TIMEZONE)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"


def text(value: Any) -> str:
    """A scalar as a cell: empty strings and nulls as ``-``."""
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with a header and a rule; long cells are cut with an ellipsis."""
    cells = [[" ".join(cell.split()) for cell in row] for row in rows]
    return text_table([column.header for column in columns], cells, [column.right for column in columns],
                      max_cell=MAX_CELL_WIDTH)


def fields(pairs: Sequence[tuple[str, str]]) -> str:
    """``label:  value`` lines with the values aligned."""
    width = max(len(label) for label, _ in pairs)
    return "\n".join(f"{label + ':':<{width + 1}}  {value}" for label, value in pairs)


def to_json(data: Any) -> str:
    """The API's data as JSON, unchanged (non-ASCII kept, indented for reading)."""
    return json.dumps(data, ensure_ascii=False, indent=2)
