"""The Excel template of the achievement import: a data sheet with drop-downs, an instructions sheet
(说明) naming every column, whether it is required, its allowed values and an example, and an options
sheet (选项) with the codes and names of the taxonomies. Its columns are those of ``importing.COLUMNS``.
Built with ``core.spreadsheets``, so every text (a classification's name, say) is a text cell.
"""

from django.utils.translation import gettext_lazy as _
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from achievements.importing import (
    CHOICE_NAMES,
    COLUMNS,
    COLUMNS_BY_KEY,
    DATA_SHEET,
    INSTRUCTIONS_SHEET,
    NO,
    OPTIONS_SHEET,
    YES,
    Column,
    Vocabulary,
)
from core import spreadsheets

# -------------------------------------------------------------------------------


def _option_lists(vocabulary: Vocabulary) -> list[tuple[str, str | None, list[str]]]:
    """The 选项 sheet's columns: (header, the template column whose drop-down lists them, values)."""
    lists: list[tuple[str, str | None, list[str]]] = []
    for key, header, terms in (
        ("technology_field", "技术领域", vocabulary.technology_fields),
        ("industry", "行业门类", vocabulary.industries),
        ("strategic_industry", "战略性新兴产业", vocabulary.strategic_industries),
        ("trl", "技术成熟度", vocabulary.trl_labels),
    ):
        lists.append((f"{header}代码", None, [term.code for term in terms]))
        lists.append((f"{header}名称", key if key != "trl" else None, [term.name for term in terms]))
    for key in CHOICE_NAMES:
        lists.append((COLUMNS_BY_KEY[key].header.split(" ")[0], key, list(CHOICE_NAMES[key].values())))
    lists.append(("军民两用", "is_dual_use", [YES, NO]))
    lists.append(("地区代码", None, [region.code for region in vocabulary.regions]))
    lists.append(("地区名称", None, [region.parent_name + region.name for region in vocabulary.regions]))
    return lists


def _allowed_text(column: Column, vocabulary: Vocabulary) -> str:
    terms = {
        "technology_field": vocabulary.technology_fields,
        "industry": vocabulary.industries,
        "strategic_industry": vocabulary.strategic_industries,
        "trl": vocabulary.trl_labels,
    }.get(column.key)
    if terms is not None:
        return "\n".join(f"{term.code} {term.name}" for term in terms)
    if column.key in CHOICE_NAMES:
        return "、".join(CHOICE_NAMES[column.key].values())
    if column.key == "is_dual_use":
        return f"{YES}、{NO}"
    if column.key == "region":
        return str(_("See the 选项 sheet (%(count)s regions).") % {"count": len(vocabulary.regions)})
    return ""


def build_template(vocabulary: Vocabulary, *, keyword_limit: int, max_rows: int) -> bytes:
    """The import template: the 成果 sheet with drop-downs, the 说明 instructions and the 选项 lists."""
    workbook = spreadsheets.editable_workbook()
    data = workbook.active
    data.title = DATA_SHEET
    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET)
    options = workbook.create_sheet(OPTIONS_SHEET)
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8F0FB")
    last_row = max_rows + 1

    letters = {}
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        letters[column.key] = letter
        cell = spreadsheets.write(data, row=1, column=index, value=column.header)
        cell.font = Font(bold=True, color="C0392B" if column.required else "1F2D3D")
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(column.help_text(keyword_limit), "天府技术交易大市场")
        data.column_dimensions[letter].width = column.width
    data.row_dimensions[1].height = 36
    data.freeze_panes = "A2"

    def validation(key: str, **options) -> None:
        rule = DataValidation(allow_blank=True, errorStyle="warning", showErrorMessage=True, **options)
        rule.error = str(_("This value is not in the list; check the 说明 sheet."))
        rule.add(f"{letters[key]}2:{letters[key]}{last_row}")
        data.add_data_validation(rule)

    for position, (header, key, values) in enumerate(_option_lists(vocabulary), start=1):
        letter = get_column_letter(position)
        spreadsheets.write(options, row=1, column=position, value=header).font = bold
        for offset, value in enumerate(values, start=2):
            spreadsheets.write(options, row=offset, column=position, value=value)
        options.column_dimensions[letter].width = max(
            12, min(40, max((len(v) for v in values), default=8) * 2)
        )
        if key is not None and values:
            validation(
                key, type="list", formula1=f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
            )
    options.freeze_panes = "A2"
    validation("trl", type="whole", operator="between", formula1="1", formula2="9")
    validation("funding_amount", type="decimal", operator="greaterThanOrEqual", formula1="0")
    validation("indicative_price", type="decimal", operator="greaterThanOrEqual", formula1="0")
    validation("completed_on", type="date", operator="greaterThan", formula1="1")

    notes = [
        _("How to fill in the achievement import template"),
        _("Fill in one achievement per row of the 成果 sheet, from row 2; do not change the header row."),
        _("Columns marked * are required. Blank optional cells take the default described below."),
        _("After uploading, every row is checked and each problem is shown by row and column; only the "
          "valid rows are imported, as drafts, after you confirm."),
        _("A row that was imported before (same title and project number for the same institution) is "
          "skipped, so uploading the same file again adds nothing."),
        _("At most %(limit)s rows per file.") % {"limit": max_rows},
    ]  # fmt: skip
    for row, note in enumerate(notes, start=1):
        spreadsheets.write(instructions, row=row, column=1, value=str(note)).font = Font(
            bold=row == 1, size=14 if row == 1 else 11
        )
    table_start = len(notes) + 2
    headings = (_("Column"), _("Required"), _("What to enter"), _("Allowed values"), _("Example"))
    for position, heading in enumerate(headings, start=1):
        cell = spreadsheets.write(instructions, row=table_start, column=position, value=str(heading))
        cell.font = bold
        cell.fill = header_fill
    for row, column in enumerate(COLUMNS, start=table_start + 1):
        values = (
            column.header,
            str(_("Yes") if column.required else _("No")),
            column.help_text(keyword_limit),
            _allowed_text(column, vocabulary),
            column.example,
        )
        for position, value in enumerate(values, start=1):
            spreadsheets.write(instructions, row=row, column=position, value=value).alignment = wrap
    for letter, width in zip("ABCDE", (28, 10, 50, 44, 36), strict=True):
        instructions.column_dimensions[letter].width = width

    return spreadsheets.workbook_bytes(workbook)
