"""Excel export of the audit log (审计日志导出): the entries the reader filtered, as on the page.

openpyxl's write-only mode keeps memory flat; entries are built a page at a time (a fixed number of
queries per page), and the finished file is streamed from a temporary file. Every text cell that a
spreadsheet would read as a formula (``= + - @``, a tab or a carriage return first) is written with
a leading apostrophe, so a changed value can never run as a formula on an official's computer.
"""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from institutions.selectors import audit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Entries built per round of queries.
CHUNK_ENTRIES = 200
# An export is for reading, not a backup: beyond this many entries, narrow the filters.
MAX_ENTRIES = 20000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value for a cell: text that would start a formula is kept as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _headers() -> list[str]:
    return [
        _("Time"),
        _("Who"),
        _("IP address"),
        _("Action"),
        _("Object type"),
        _("Object"),
        _("Institution"),
        _("Changes"),
    ]


def _changes_text(entry: audit.AuditEntry) -> str:
    lines = []
    for change in entry.changes:
        if change.old is None:
            lines.append(f"{change.field}: {change.new}")
        else:
            lines.append(f"{change.field}: {change.old} → {change.new}")
    return "\n".join(lines)


def entry_values(entry: audit.AuditEntry) -> list:
    who = entry.user.display_name if entry.user is not None else _("System")
    return [
        entry.at.replace(tzinfo=None),
        who,
        entry.ip or "",
        entry.action_label,
        str(entry.object_type),
        entry.label,
        entry.organisation or "",
        _changes_text(entry),
    ]


def write_workbook(events, *, stream) -> int:
    """Writes the entries of ``events`` (``audit.audit_log``) to ``stream``; returns how many."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log"))
    for index, width in enumerate((18, 16, 16, 8, 16, 30, 28, 60), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="E8F0FB")
    header = []
    for title in _headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = header_font, header_fill
        header.append(cell)
    sheet.append(header)
    groups = list(audit.audit_entry_groups(events)[:MAX_ENTRIES])
    count = 0
    for start in range(0, len(groups), CHUNK_ENTRIES):
        for entry in audit.audit_entries(events=events, groups=groups[start : start + CHUNK_ENTRIES]):
            row = []
            for value in entry_values(entry):
                if hasattr(value, "isoformat"):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd hh:mm"
                    row.append(cell)
                else:
                    row.append(safe_cell(value) if value != "" else None)
            sheet.append(row)
            count += 1
    workbook.save(stream)
    return count


def export_response(events) -> FileResponse:
    """The xlsx of the filtered log, streamed from a temporary file (deleted once the response closes)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response streams it, then closes it)
    write_workbook(events, stream=handle)
    handle.seek(0)
    filename = f"audit-log-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
