"""Spreadsheets (电子表格): the one way the platform writes an .xlsx and opens an uploaded one.

Writing. A text a person typed (a title, an imported cell, an address in the audit log) is always
written as a text cell, never as a formula: openpyxl would otherwise store ``=HYPERLINK(…)`` or
``=cmd|' /C calc'!A0`` as a live formula that runs on an official's computer. A text that a spreadsheet
would read as the start of a formula (``= + - @``, a tab or a carriage return first; OWASP's CSV
injection list) is also marked "quote prefixed", the mark Excel itself sets when someone types a leading
apostrophe: it shows as text and stays text when the cell is edited, while the value keeps every
character, so an exported file imports again unchanged. Numbers and dates stay typed. Characters XML
cannot hold (control characters) are dropped rather than failing the export.

Every export goes through ``ExportWorkbook`` (write-only: rows streamed, memory flat), and a workbook
built cell by cell (the import template) through ``editable_workbook``/``write`` and ``workbook_bytes``,
which turns any formula left in a cell back into text before saving. No module outside ``core`` imports
openpyxl's workbook, cells or reader (tests/core/test_spreadsheets.py checks it).

Reading. ``open_workbook`` checks the upload as an archive first (``uploads.archive_check``: a 3 MB
workbook whose shared strings unpack to 1 GB is refused from its directory, unpacking nothing), then
opens it read-only, so rows are streamed from the zip. openpyxl reads the whole shared-string table
when it opens a workbook, keeping every parsed element besides (some 130 bytes a string: 11 MB of
small numbers took 670 MB); here the table is read letting go of each element and refused past the
number of cells a sheet may have, since a sheet cannot use more strings than it has cells.
``sheet_rows`` ignores the sheet's declared dimensions (a forged ``A1:XFD1048576`` would pad every row
to 16,384 cells) and stops past that number of cells too.
"""

import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from core import uploads

XLSX_CONTENT_TYPE = uploads.XLSX
# What a spreadsheet may read as the start of a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8F0FB")


# --- writing ------------------------------------------------------------------------------------


def _fill(cell: Cell, value) -> Cell:
    """Puts ``value`` into ``cell``: a number or a date typed, anything else as text."""
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, bool | int | float | Decimal):
        cell.value = value
    elif isinstance(value, datetime):
        cell.value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        _set_text(cell, str(value))
    return cell


def _set_text(cell: Cell, text: str) -> None:
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    # openpyxl makes "=…" a formula and "#N/A" an error; a text cell is never evaluated.
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


class ExportSheet:
    """A sheet of an ``ExportWorkbook``: a styled header row, then rows appended one at a time."""

    def __init__(self, worksheet, *, headers: Iterable[str], widths: Iterable[int]):
        self._worksheet = worksheet
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        header = []
        for title in headers:
            cell = _fill(WriteOnlyCell(worksheet), str(title))
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            header.append(cell)
        worksheet.append(header)

    def append(self, values: Iterable) -> None:
        """One row: texts as text cells, numbers and dates typed, blanks ("" or None) empty."""
        self._worksheet.append([_fill(WriteOnlyCell(self._worksheet), value) for value in values])


class ExportWorkbook:
    """An .xlsx export: rows are written as they come (openpyxl's write-only mode keeps memory flat)."""

    def __init__(self):
        self._workbook = Workbook(write_only=True)

    def add_sheet(self, title: str, *, headers: Iterable[str], widths: Iterable[int] = ()) -> ExportSheet:
        return ExportSheet(self._workbook.create_sheet(title), headers=headers, widths=widths)

    def save(self, stream: IO[bytes]) -> None:
        self._workbook.save(stream)

    def response(self, *, filename: str) -> FileResponse:
        """The finished file as a download, streamed from a temporary file deleted once the response
        is closed."""
        handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response streams it, then closes it)
        self.save(handle)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def editable_workbook() -> Workbook:
    """A workbook built cell by cell (drop-downs, comments, several sheets), such as a template; fill
    it with ``write`` and save it with ``workbook_bytes``."""
    return Workbook()


def write(worksheet, *, row: int, column: int, value) -> Cell:
    """Writes ``value`` into a cell of an ``editable_workbook`` the way an export does; returns the cell."""
    return _fill(worksheet.cell(row=row, column=column), value)


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx of an ``editable_workbook``; a formula or an error written into any of its cells is
    turned into text first, so no value can run as a formula whoever wrote it."""
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e") and isinstance(cell.value, str):
                    _set_text(cell, cell.value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column_letter(index: int) -> str:
    """The letter of the 1-based column ``index`` (1 → A, 27 → AA)."""
    return get_column_letter(index)


def style_header(cell: Cell, *, required: bool = False) -> Cell:
    """A header cell of an ``editable_workbook``: bold (red when the column is required), shaded."""
    cell.font = Font(bold=True, color="C0392B" if required else "1F2D3D")
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


def style_text(cell: Cell, *, bold: bool = False, size: int = 11, wrap: bool = False) -> Cell:
    cell.font = Font(bold=bold, size=size)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def set_column_widths(worksheet, widths: Iterable[int]) -> None:
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width


def add_drop_down(worksheet, *, cells: str, source: str, error: str) -> None:
    """A drop-down on ``cells`` (``"E2:E10001"``) listing the values of the range ``source``
    (``"'选项'!$A$2:$A$9"``); a value typed outside the list is warned about, not refused, so a pasted
    code still goes in and the import checks it."""
    rule = DataValidation(
        type="list", formula1=source, allow_blank=True, errorStyle="warning", showErrorMessage=True
    )
    rule.error = error
    rule.add(cells)
    worksheet.add_data_validation(rule)


# --- reading ------------------------------------------------------------------------------------


class UnreadableWorkbook(Exception):
    """The file is not a workbook openpyxl can open, or it is damaged."""


class TooManyCells(Exception):
    """More cells than allowed were read from a sheet."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


_STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"


def _string_table(source: IO[bytes], *, max_strings: int) -> list[str]:
    """openpyxl's ``read_string_table``, bounded: the same strings, but each parsed element is let go
    of once read, and more than ``max_strings`` strings raise ``TooManyCells``."""
    strings: list[str] = []
    events = iterparse(source, events=("start", "end"))
    _event, table = next(events)
    for event, element in events:
        if event == "end" and element.tag == _STRING_TAG:
            if len(strings) >= max_strings:
                raise TooManyCells(max_strings)
            strings.append(Text.from_tree(element).content.replace("x005F_", ""))
            table.clear()  # the table's only child is the string just read
    return strings


class _BoundedReader(ExcelReader):
    """openpyxl's reader (as ``load_workbook`` uses it), reading the shared strings bounded."""

    def __init__(self, stream: IO[bytes], *, max_cells: int):
        super().__init__(stream, read_only=True, data_only=True)
        self.max_cells = max_cells

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = _string_table(source, max_strings=self.max_cells)


@contextmanager
def open_workbook(content: bytes, *, max_cells: int) -> Iterator[Workbook]:
    """An uploaded .xlsx opened read-only (values, not formulas) and closed on leaving.

    Raises the ``ValidationError`` of ``uploads.archive_check`` for a workbook that would unpack beyond
    the limits (before anything is unpacked), ``TooManyCells`` for one with more shared strings than
    ``max_cells``, and ``UnreadableWorkbook`` for one that cannot be opened.
    """
    stream = io.BytesIO(content)
    uploads.archive_check(stream)
    try:
        reader = _BoundedReader(stream, max_cells=max_cells)
        reader.read()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as error:
        raise UnreadableWorkbook from error
    workbook = reader.wb
    try:
        yield workbook
    finally:
        workbook.close()


def sheet_rows(worksheet, *, max_cells: int) -> Iterator[tuple]:
    """The values of a read-only sheet row by row, streamed from the file, each row as wide as its last
    written cell (missing rows come as empty tuples). Raises ``TooManyCells`` once more than
    ``max_cells`` cells were read."""
    worksheet.reset_dimensions()
    cells = 0
    for values in worksheet.iter_rows(values_only=True):
        cells += len(values)
        if cells > max_cells:
            raise TooManyCells(max_cells)
        yield tuple(values)
