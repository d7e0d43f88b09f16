"""Numbers as people type them, read with the decimal mark of their file.

``12,50``, ``1.234,50``, ``19,90 €``, ``10 %`` (decimal comma) and ``12.50``, ``1,234.50``
(decimal point). A cell like ``1.234`` or ``1,234`` means 1234 with one mark and 1.234 with the
other, so the file decides: a cell such as ``1.234,50`` or ``12,5`` proves a decimal comma, ``12.5``
or ``1,234.50`` a decimal point. Where no cell proves either, a semicolon file has decimal commas
(German Excel writes them so) and a comma file decimal points. Otherwise (cells proving both, a
tab file, text cells of an XLSX) such a cell is a problem on its row and column, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

COMMA, POINT = ",", "."
EITHER = "either"
"""A cell that reads with both marks: ``1.234``, ``1,234``."""
_DELIMITER_MARK = {";": COMMA, ",": POINT}
_NOT_A_NUMBER = "not a number (write e.g. 12,50 or 12.50)"


class AmbiguousNumber(ValueError):
    """A cell that reads with both decimal marks in a file that does not decide between them."""


def decimal_mark_of(cells: Iterable[str], delimiter: str | None) -> str | None:
    """The file's decimal mark from its number cells (as text), else from its delimiter; None if undecided."""
    proven = {kind for cell in cells if (kind := _kind(_plain(cell).removeprefix("-"))) in (COMMA, POINT)}
    if proven:
        return proven.pop() if len(proven) == 1 else None
    return _DELIMITER_MARK.get(delimiter or "")


def read_number(text: str, decimal_mark: str | None) -> Decimal:
    """The number a cell's text means in a file with ``decimal_mark``; ValueError saying what to write."""
    value = _plain(text)
    if value.startswith("="):
        raise ValueError("a formula, not a number: save or paste the sheet's values instead")
    sign, digits = ("-", value[1:]) if value.startswith("-") else ("", value)
    kind = _kind(digits)
    if kind is None:
        raise ValueError(_NOT_A_NUMBER)
    if kind == "":
        return Decimal(sign + digits)
    if kind == EITHER:
        if decimal_mark is None:
            whole, fraction = digits.replace(COMMA, "").replace(POINT, ""), f"{digits}0"
            raise AmbiguousNumber(
                f"could be {sign}{whole} or {sign}{digits.replace(COMMA, POINT)}, and nothing else in the file shows "
                f"its decimal mark: write {sign}{whole} for the one, {sign}{fraction} for the other"
            )
        kind = decimal_mark
    thousands = POINT if kind == COMMA else COMMA
    return Decimal(sign + digits.replace(thousands, "").replace(kind, POINT))


def _plain(text: str) -> str:
    """Without spaces, currency and percent signs: ``1 234,50 €`` -> ``1234,50``."""
    return re.sub(r"[\s\u00a0'€%]", "", text).removesuffix("EUR")


def _kind(digits: str) -> str | None:
    """The decimal mark ``digits`` (no sign) proves, EITHER, "" for a whole number, None for no number."""
    if re.fullmatch(r"\d+", digits):
        return ""
    for mark, other in ((COMMA, POINT), (POINT, COMMA)):
        m, o = re.escape(mark), re.escape(other)
        if re.fullmatch(rf"[1-9]\d{{0,2}}{m}\d{{3}}", digits):
            return EITHER  # 1,234: a group of thousands, or three decimals
        if (re.fullmatch(rf"\d{{1,3}}({o}\d{{3}})+{m}\d+", digits)  # 1.234,50
                or re.fullmatch(rf"\d{{1,3}}({o}\d{{3}}){{2,}}", digits)  # 1.234.567: the points group thousands
                or re.fullmatch(rf"\d+{m}\d+", digits)):  # 12,5  0,123  1234,567
            return mark
    return None
