"""Excel export of the audit log (审计日志导出): the entries the reader filtered, as on the page.

Written through ``core.spreadsheets`` (rows streamed, memory flat; every text a text cell, so a changed
value such as ``=HYPERLINK(…)`` can never run as a formula on an official's computer). Entries are built
a page at a time (a fixed number of queries per page), and the finished file is streamed from a
temporary file.
"""

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import spreadsheets
from institutions.selectors import audit

XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE
# Entries built per round of queries.
CHUNK_ENTRIES = 200
# An export is for reading, not a backup: beyond this many entries, narrow the filters.
MAX_ENTRIES = 20000
_WIDTHS = (18, 16, 16, 8, 16, 30, 28, 60)


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
        entry.at,
        who,
        entry.ip or "",
        entry.action_label,
        str(entry.object_type),
        entry.label,
        entry.organisation or "",
        _changes_text(entry),
    ]


def write_workbook(events, *, workbook: spreadsheets.ExportWorkbook) -> int:
    """Writes the entries of ``events`` (``audit.audit_log``) as a sheet of ``workbook``; returns how
    many."""
    sheet = workbook.add_sheet(_("Audit log"), headers=_headers(), widths=_WIDTHS)
    groups = list(audit.audit_entry_groups(events)[:MAX_ENTRIES])
    count = 0
    for start in range(0, len(groups), CHUNK_ENTRIES):
        for entry in audit.audit_entries(events=events, groups=groups[start : start + CHUNK_ENTRIES]):
            sheet.append(entry_values(entry))
            count += 1
    return count


def export_response(events) -> FileResponse:
    """The xlsx of the filtered log, as a download."""
    workbook = spreadsheets.ExportWorkbook()
    write_workbook(events, workbook=workbook)
    return workbook.response(filename=f"audit-log-{timezone.localdate():%Y%m%d}.xlsx")
