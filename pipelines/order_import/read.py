"""A spreadsheet file into rows: CSV as people really have it, and XLSX.

CSV: comma, semicolon or tab (whichever the header line uses most), UTF-8 with or without BOM,
UTF-16 with BOM, else Windows-1252 as German Excel writes it. XLSX: the first sheet or the named
one, values as Excel computed them; a cell formatted as a percentage becomes text like ``10%``.
Row numbers are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

Cell = str | int | float | date | datetime | None

DELIMITERS = (",", ";", "\t")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
FILE_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an XLSX file? then name it .xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Office file (save it as .xlsx or CSV)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")
"""Bytes no text file holds (tab, line ends, form feed and DOS's end-of-file mark aside)."""


class ImportFileError(Exception):
    """The file cannot be read as an order spreadsheet (one line saying why and what to do)."""


@dataclass(frozen=True)
class Sheet:
    """The header row and the non-blank rows below it, each with its spreadsheet row number."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    delimiter: str | None = None
    """What a CSV used (None for XLSX): the results file follows it so Excel opens it the same way, and it
    decides the decimal mark where no cell does."""


def read_sheet(path: Path, sheet_name: str | None = None) -> Sheet:
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(path, sheet_name)
    if path.suffix.lower() == ".xls":
        raise ImportFileError(f"{path}: old .xls files are not supported; save it as .xlsx or CSV")
    if sheet_name is not None:
        raise ImportFileError(f"{path}: --sheet applies to XLSX files only")
    return _read_csv(path)


def decode_text(data: bytes) -> str:
    """Text from CSV bytes: a BOM decides, else UTF-8 if it decodes, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def refuse_binary(path: Path, data: bytes) -> None:
    """One line for a file that is no text at all, rather than a 'missing columns' from reading it as CSV."""
    kind = next((kind for signature, kind in FILE_SIGNATURES if data.startswith(signature)), None)
    if kind is None and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        kind = "not a text file" if _CONTROL_BYTES.search(data[:65536]) else None
    if kind is not None:
        raise ImportFileError(f"{path}: not a CSV file: {kind}; save the sheet as CSV or XLSX")


def detect_delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(DELIMITERS, key=header.count)  # ties go to the comma, listed first


def _read_csv(path: Path) -> Sheet:
    try:
        data = path.read_bytes()
        refuse_binary(path, data)
        text = decode_text(data)
    except (OSError, UnicodeError) as error:
        raise ImportFileError(f"{path}: cannot read it ({error})") from None
    delimiter = detect_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(f"{path}: not a readable CSV file ({error})") from None
    return _sheet(path, [list(record) for record in records], delimiter)


def _read_xlsx(path: Path, sheet_name: str | None) -> Sheet:
    from openpyxl import load_workbook  # only XLSX imports pay for it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ImportFileError(f"{path}: not a readable XLSX file ({error})") from None
    try:
        if sheet_name is not None and sheet_name not in workbook.sheetnames:
            raise ImportFileError(
                f"{path}: no sheet named {sheet_name!r}; the sheets are {', '.join(workbook.sheetnames)}"
            )
        worksheet = workbook[sheet_name] if sheet_name is not None else workbook.worksheets[0]
        records = [[_xlsx_value(cell) for cell in row] for row in worksheet.iter_rows()]
    finally:
        workbook.close()
    return _sheet(path, records, None)


def _xlsx_value(cell: object) -> Cell:
    value = getattr(cell, "value", None)
    number_format = str(getattr(cell, "number_format", "") or "")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        return f"{(Decimal(str(value)) * 100).normalize():f}%"
    return value  # type: ignore[return-value]


def _sheet(path: Path, records: list[list[Cell]], delimiter: str | None) -> Sheet:
    numbered = [(number, record) for number, record in enumerate(records, start=1) if not _blank(record)]
    if not numbered or numbered[0][0] != 1:
        raise ImportFileError(f"{path}: the first row must be the header (column names); see docs/import.md")
    headers = ["" if cell is None else str(cell).strip() for cell in numbered[0][1]]
    return Sheet(headers=headers, rows=numbered[1:], delimiter=delimiter)


def _blank(record: list[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in record)
