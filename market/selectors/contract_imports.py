"""Reads of the registration import and export: an import as its uploader's body sees it, the import
template (JJ-001 columns, an instruction sheet, drop-downs for the code columns) and the export of any
list of contracts the actor may see, in the same column layout, so an exported file imports again
unchanged."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core import spreadsheets
from institutions.choices import ClassificationScheme
from institutions.models import Classification
from institutions.roles import actor_roles
from market import jj001
from market.models import ContractImport, ContractRegistration
from market.selectors import contracts as contract_selectors
from market.services.contract_imports import CODE_SCHEMES

TEMPLATE_ROWS = 2000
EXPORT_BATCH_ROWS = 2000


def contract_import_get(*, pk: int, actor) -> ContractImport:
    """An import, for the registrars of its body and platform admins; 404 for anyone else."""
    roles = actor_roles(actor)
    queryset = ContractImport.objects.select_related("registration_body", "uploaded_by")
    if not roles.is_platform_admin:
        queryset = queryset.filter(registration_body_id__in=roles.registrar_of)
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404(_("No such import."))
    return record


def contract_import_recent(*, actor, limit: int = 10) -> QuerySet[ContractImport]:
    roles = actor_roles(actor)
    queryset = ContractImport.objects.select_related("registration_body", "uploaded_by").defer("errors")
    if not roles.is_platform_admin:
        queryset = queryset.filter(registration_body_id__in=roles.registrar_of)
    return queryset.order_by("-created_at", "-pk")[:limit]


# --- the template -------------------------------------------------------------------------------------


def _instructions() -> list[str]:
    return [
        _("How to fill in the contract registration import template (JJ-001)"),
        _("One registered contract per row of the 合同登记 sheet, from row 2; keep the header row as it is."),
        _("Columns in red are required. Code columns take the codes of the 选项 sheet (drop-downs)."),
        _(
            "A row is identified by its 16-digit registration number: uploading a file again leaves equal "
            "rows unchanged and updates changed ones (the history keeps the old values); nothing is "
            "duplicated."
        ),
        _(
            "Every cell is checked; rows with errors are listed by row and column and left out, and every "
            "valid row is saved together. The seller must lie in the registration body's area."
        ),
        _(
            "The party kind follows from its columns: an identity number or a 性质 code from 400 is a "
            "natural person; a country code other than 142 a foreign party (no region code); an "
            "organisation whose credit code is on the platform is linked to it."
        ),
        _("At most %(limit)s rows per file.") % {"limit": jj001.MAX_ROWS},
    ]


def code_options() -> dict[str, list[tuple[str, str]]]:
    """(code, name) of each code list, for the template's drop-downs and instructions."""
    options: dict[str, list[tuple[str, str]]] = {}
    for scheme, code, name in (
        Classification.objects.filter(
            scheme__in=(*CODE_SCHEMES, ClassificationScheme.TECHNOLOGY_FIELD), is_current=True
        )
        .values_list("scheme", "code", "name")
        .order_by("scheme", "position", "code")
    ):
        options.setdefault(scheme, []).append((code, name))
    return options


def _allowed(column: jj001.Column, options: dict[str, list[tuple[str, str]]]) -> str:
    if column.kind == jj001.Kind.CHOICE:
        return "、".join(jj001.TERMS[column.field].values())
    if column.kind == jj001.Kind.CODE:
        values = options.get(column.scheme, ())
        return _("See the 选项 sheet (%(count)s codes).") % {"count": len(values)} if values else ""
    return ""


def contract_import_template() -> bytes:
    """The template workbook: the 合同登记 sheet (JJ-001 headers, drop-downs), 说明 and 选项."""
    options = code_options()
    workbook = spreadsheets.editable_workbook()
    data = workbook.active
    data.title = jj001.DATA_SHEET
    instructions = workbook.create_sheet(jj001.INSTRUCTIONS_SHEET)
    lists = workbook.create_sheet(jj001.OPTIONS_SHEET)
    for index, column in enumerate(jj001.COLUMNS, start=1):
        cell = spreadsheets.write(data, row=1, column=index, value=column.header)
        spreadsheets.style_header(cell, required=column.required)
    spreadsheets.set_column_widths(data, [column.width for column in jj001.COLUMNS])
    data.freeze_panes = "A2"

    list_column = 0
    for index, column in enumerate(jj001.COLUMNS, start=1):
        if column.kind == jj001.Kind.CHOICE:
            values = list(jj001.TERMS[column.field].values())
        elif column.kind == jj001.Kind.CODE and options.get(column.scheme):
            values = [code for code, _name in options[column.scheme]]
        else:
            continue
        list_column += 1
        letter = spreadsheets.column_letter(list_column)
        spreadsheets.style_header(spreadsheets.write(lists, row=1, column=list_column, value=column.header))
        for offset, value in enumerate(values, start=2):
            spreadsheets.write(lists, row=offset, column=list_column, value=value)
        target = spreadsheets.column_letter(index)
        spreadsheets.add_drop_down(
            data,
            cells=f"{target}2:{target}{TEMPLATE_ROWS + 1}",
            source=f"'{jj001.OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
            error=_("This value is not in the list; check the 说明 sheet."),
        )
        if column.kind == jj001.Kind.CODE:
            list_column += 1
            spreadsheets.write(lists, row=1, column=list_column, value=f"{column.header}名称")
            for offset, (_code, name) in enumerate(options[column.scheme], start=2):
                spreadsheets.write(lists, row=offset, column=list_column, value=name)

    notes = _instructions()
    for row, note in enumerate(notes, start=1):
        spreadsheets.style_text(
            spreadsheets.write(instructions, row=row, column=1, value=note),
            bold=row == 1,
            size=14 if row == 1 else 11,
        )
    start = len(notes) + 2
    headings = (_("Column"), _("Required"), _("What to enter"), _("Allowed values"), _("Example"))
    for position, heading in enumerate(headings, start=1):
        spreadsheets.style_header(spreadsheets.write(instructions, row=start, column=position, value=heading))
    for row, column in enumerate(jj001.COLUMNS, start=start + 1):
        values = (
            column.header,
            _("Yes") if column.required else _("No"),
            str(column.help),
            _allowed(column, options),
            column.example,
        )
        for position, value in enumerate(values, start=1):
            spreadsheets.style_text(
                spreadsheets.write(instructions, row=row, column=position, value=value), wrap=True
            )
    spreadsheets.set_column_widths(instructions, (26, 10, 50, 44, 24))
    return spreadsheets.workbook_bytes(workbook)


# --- the export ----------------------------------------------------------------------------------------


def contract_export_list(*, actor, filters=None, tab: str = "") -> QuerySet[ContractRegistration]:
    """What the actor may see, with the contract list's filters, or — with ``tab`` — the registration
    queue's tab and filters (registrars: their body's; officials: their jurisdiction's; applicants:
    their own)."""
    if tab:
        queryset = contract_selectors.registration_queue(actor=actor, tab=tab, filters=filters)
    else:
        queryset = contract_selectors.contract_list(actor=actor, filters=filters)
    return queryset.select_related(None).select_related("registration_body", "technology_field")


def _row(contract: ContractRegistration) -> list:
    values = []
    for column in jj001.COLUMNS:
        if column.field == "registered_on":
            value = timezone.localdate(contract.registered_at) if contract.registered_at else None
        elif column.field == "registration_body":
            value = contract.registration_body.name if contract.registration_body_id else ""
        elif column.field == "technology_field":
            value = contract.technology_field.code if contract.technology_field_id else ""
        else:
            value = getattr(contract, column.field)
            if column.kind == jj001.Kind.CHOICE:
                value = jj001.TERMS[column.field].get(value, value or "")
        values.append(value)
    return values


def contract_export_workbook(contracts: QuerySet[ContractRegistration]) -> spreadsheets.ExportWorkbook:
    workbook = spreadsheets.ExportWorkbook()
    sheet = workbook.add_sheet(
        jj001.DATA_SHEET, headers=jj001.HEADERS, widths=[column.width for column in jj001.COLUMNS]
    )
    for contract in contracts.iterator(chunk_size=EXPORT_BATCH_ROWS):
        sheet.append(_row(contract))
    return workbook


def contract_export_filename() -> str:
    return f"技术合同登记_{timezone.localdate():%Y%m%d}.xlsx"
