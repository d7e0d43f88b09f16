"""Spreadsheet rows into order drafts: cells into numbers, dates and references; rows into orders.

Rows sharing an order key form one order. Order-level cells (date, customer, currency, ...) may be
left blank on an order's later rows; where filled they must agree. A cell that cannot be read
becomes a problem on its draft, so the order is reported and not sent while the others go ahead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from pipelines.order_import import columns
from pipelines.order_import.model import Address, OrderDraft, PositionDraft, Problem, Ref, RefKind
from pipelines.order_import.numbers import decimal_mark_of, read_number
from pipelines.order_import.read import Cell, ImportFileError, Sheet

log = logging.getLogger("pipelines.order_import.parse")

NUMBER_COLUMNS = (columns.QUANTITY, columns.UNIT_PRICE, columns.DISCOUNT)
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def drafts_from_sheet(sheet: Sheet, path: Path) -> list[OrderDraft]:
    """One draft per order key, in the order the keys first appear."""
    positions_of = _column_positions(sheet.headers, path)
    records = [
        (number, {name: record[index] if index < len(record) else None for name, index in positions_of.items()})
        for number, record in sheet.rows
    ]
    number_texts = [cell for _, cells in records for name in NUMBER_COLUMNS if isinstance(cell := cells.get(name), str)]
    decimal_mark = decimal_mark_of(number_texts, sheet.delimiter)
    log.info("%s: numbers read with decimal mark %s", path, repr(decimal_mark) if decimal_mark else "undecided")
    orders: dict[str, _OrderRows] = {}
    for number, cells in records:
        key = text(cells.get(columns.ORDER_KEY))
        group_key = key or f"(row {number}, no order key)"
        orders.setdefault(group_key, _OrderRows(group_key, decimal_mark)).add(number, cells, has_key=bool(key))
    return [rows.draft() for rows in orders.values()]


def _column_positions(headers: list[str], path: Path) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = columns.canonical_name(header)
        if name is None:
            if header:
                log.info("%s: ignoring column %r (not part of the template)", path, header)
            continue
        if name in positions:
            raise ImportFileError(f"{path}: columns {headers[positions[name]]!r} and {header!r} both mean {name}")
        positions[name] = index
    missing = columns.missing_columns(set(positions))
    if missing:
        raise ImportFileError(
            f"{path}: missing required column(s) {', '.join(missing)}; "
            "the header row must name them (see docs/import.md)"
        )
    return positions


@dataclass
class _OrderRows:
    """The rows of one order as they are read, and the problems found on the way."""

    key: str
    decimal_mark: str | None
    rows: list[int] = field(default_factory=list)
    order_cells: dict[str, tuple[int, str]] = field(default_factory=dict)  # column -> (first row, value)
    positions: list[PositionDraft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    raw: dict[str, Cell] = field(default_factory=dict)

    def add(self, number: int, cells: dict[str, Cell], has_key: bool) -> None:
        self.rows.append(number)
        if not has_key:
            self.problems.append(Problem(number, columns.ORDER_KEY, "", "every row needs an order key"))
        for column in columns.ORDER_LEVEL:
            self._order_cell(number, column, cells.get(column))
        self.positions.append(self._position(number, cells))

    def _order_cell(self, number: int, column: str, cell: Cell) -> None:
        value = _order_text(column, cell)
        if not value:
            return
        first = self.order_cells.get(column)
        if first is None:
            self.order_cells[column] = (number, value)
            self.raw[column] = cell
        elif first[1] != value:
            reason = f"differs from row {first[0]} ({first[1]!r}) of the same order"
            self.problems.append(Problem(number, column, value, reason))

    def _position(self, number: int, cells: dict[str, Cell]) -> PositionDraft:
        product = _ref(cells, columns.PRODUCT, columns.PRODUCT_NUMBER, columns.PRODUCT_ID)
        return PositionDraft(
            product=product,
            quantity=self._decimal(number, columns.QUANTITY, cells.get(columns.QUANTITY)),
            unit_price=self._decimal(number, columns.UNIT_PRICE, cells.get(columns.UNIT_PRICE)),
            discount=self._decimal(number, columns.DISCOUNT, cells.get(columns.DISCOUNT)),
            row=number,
        )

    def _decimal(self, number: int, column: str, cell: Cell) -> Decimal | None:
        try:
            return parse_decimal(cell, self.decimal_mark)
        except ValueError as error:
            self.problems.append(Problem(number, column, text(cell), str(error)))
            return None

    def draft(self) -> OrderDraft:
        first_row = self.rows[0]
        order_date = None
        if columns.ORDER_DATE in self.raw:
            row, value = self.order_cells[columns.ORDER_DATE]
            try:
                order_date = parse_date(self.raw[columns.ORDER_DATE])
            except ValueError as error:
                self.problems.append(Problem(row, columns.ORDER_DATE, value, str(error)))
        values = {column: value for column, (_, value) in self.order_cells.items()}
        customer = _ref(values, columns.CUSTOMER, columns.CUSTOMER_NUMBER, columns.CUSTOMER_ID)
        return OrderDraft(
            key=self.key,
            customer=customer,
            positions=tuple(self.positions),
            order_date=order_date,
            currency=values.get(columns.CURRENCY),
            project=values.get(columns.PROJECT),
            payment_method=values.get(columns.PAYMENT_METHOD),
            shipping_method=values.get(columns.SHIPPING_METHOD),
            comment=values.get(columns.COMMENT),
            billing_address=_address(values, columns.BILLING),
            shipping_address=_address(values, columns.SHIPPING),
            rows=tuple(self.rows),
            problems=tuple(sorted(self.problems, key=lambda p: p.row or first_row)),
        )


def text(cell: Cell) -> str:
    """A cell as text: whole numbers without ``.0`` (Excel stores ``10001`` as 10001.0), dates as ISO."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def parse_decimal(cell: Cell, decimal_mark: str | None = None) -> Decimal | None:
    """A number cell: typed (XLSX) as it is, text as ``numbers.read_number`` reads it; blank -> None.

    ``decimal_mark``: the file's (``decimal_mark_of``), for cells like ``1.234`` that read both ways.
    """
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool) or isinstance(cell, (date, datetime)):
        raise ValueError("not a number")
    if isinstance(cell, (int, float)):
        return Decimal(str(cell))
    return read_number(cell, decimal_mark)


def parse_date(cell: Cell) -> date:
    """``YYYY-MM-DD``, ``DD.MM.YYYY`` or an Excel date cell; a real date or ValueError."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    value = text(cell)
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        german = _GERMAN_DATE.fullmatch(value)
        if german:
            day, month, year = (int(part) for part in german.groups())
            return date(year, month, day)
    except ValueError:
        raise ValueError("not a real date") from None
    raise ValueError("not a date: write YYYY-MM-DD or DD.MM.YYYY")


def _order_text(column: str, cell: Cell) -> str:
    value = text(cell)
    return value.upper() if column in (columns.CURRENCY, "billing_country", "shipping_country") else value


def _ref(values: dict, auto: str, number: str, by_id: str) -> Ref:
    """The reference from whichever column is filled: an explicit id or number column wins."""
    for column, kind in ((by_id, RefKind.ID), (number, RefKind.NUMBER), (auto, RefKind.AUTO)):
        value = text(values.get(column))
        if value:
            return Ref(value, kind)
    return Ref("", RefKind.AUTO)


def _address(values: dict[str, str], names: tuple[str, ...]) -> Address | None:
    name, street, zip_code, city, country, email = (values.get(column, "") for column in names)
    if not any((name, street, zip_code, city, country, email)):
        return None
    return Address(name=name, street=street, zip_code=zip_code, city=city, country=country, email=email)
