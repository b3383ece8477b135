"""CSV that is safe to open in a spreadsheet, one cell or one row at a time.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (CSV injection: ``=HYPERLINK(...)``, ``=cmd|...``). Such a
cell is written with a leading apostrophe, which spreadsheets show as text and never evaluate (OWASP's
advice). The Excel variant of a file starts with a UTF-8 byte-order mark, without which Excel reads
UTF-8 as the local code page and garbles every non-ASCII name.

The export code calls these per row, so they work the same for a table built in memory and for rows
streamed to the client as they are produced::

    writer = CsvRows(excel=True)
    yield writer.start()             # the BOM, for the Excel variant
    yield writer.row(header)
    for record in records:
        yield writer.row(values)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value) -> str:
    """The value as CSV cell text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CsvRows:
    """Encodes rows as CSV lines (RFC 4180, CRLF line ends), every cell made safe."""

    def __init__(self, excel: bool = False):
        self.excel = excel
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)

    def start(self) -> str:
        """What the file begins with: the byte-order mark for Excel, else nothing."""
        return BOM if self.excel else ""

    def row(self, values: Iterable) -> str:
        self._writer.writerow([safe_cell(v) for v in values])
        line = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return line


def to_csv(rows: Iterable[Iterable], excel: bool = False) -> str:
    """A whole table as one string (for small tables built in memory)."""
    writer = CsvRows(excel)
    return writer.start() + "".join(writer.row(row) for row in rows)


def wants_excel(params) -> bool | None:
    """``excel=1`` asks for the Excel variant; None when the parameter has a value it does not know."""
    value = (params.get("excel") or "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    return None
