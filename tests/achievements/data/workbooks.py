"""Import workbooks for the tests, built with openpyxl (no binary files in the repository)."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from achievements import importing

HEADERS = [column.header for column in importing.COLUMNS]
XLSX = importing.XLSX_CONTENT_TYPE


def good_row(**overrides) -> dict:
    """A complete, valid row by column key (values as a person would type them)."""
    row = {
        "title": "石墨烯改性锂电池负极材料",
        "summary": "以石墨烯包覆硅颗粒，提升锂电池负极的循环寿命，已完成中试。",
        "detail": "工艺包括包覆、碳化与造粒三个环节。",
        "keywords": "石墨烯、锂电池、负极材料",
        "technology_field": "03",
        "industry": "制造业",
        "strategic_industry": "3",
        "trl": 6,
        "achievement_type": "应用技术",
        "stage": "中期",
        "funding_programme": "四川省科技计划",
        "project_number": "2024YFG0001",
        "funding_amount": 800000,
        "completed_on": date(2024, 6, 30),
        "cooperation_modes": "转让、普通许可",
        "indicative_price": 1200000,
        "region": "510104",
        "is_dual_use": "否",
        "patents": "ZL202310123456.6",
        "contributors": "张三:60、李四:40",
    }
    row.update(overrides)
    return row


def fill(workbook, rows: list[dict]) -> None:
    """Appends rows (by column key) to the 成果 sheet under its header."""
    sheet = workbook[importing.DATA_SHEET]
    header = [cell.value for cell in sheet[1]]
    keys = {column.header: column.key for column in importing.COLUMNS}
    for row in rows:
        sheet.append([row.get(keys.get(title)) for title in header])


def xlsx(rows: list[dict], *, headers: list[str] | None = None) -> bytes:
    """A bare workbook: the 成果 sheet with the given (default: the template's) headers and rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = importing.DATA_SHEET
    sheet.append(headers or HEADERS)
    keys = {column.header: column.key for column in importing.COLUMNS}
    for row in rows:
        sheet.append([row.get(keys.get(title, title)) for title in headers or HEADERS])
    return to_bytes(workbook)


def from_template(template: bytes, rows: list[dict]) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    fill(workbook, rows)
    return to_bytes(workbook)


def to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "成果导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def read(content: bytes) -> list[list]:
    """Every row of the first sheet of an xlsx, as lists of values as long as the header."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    width = len(rows[0]) if rows else 0
    return [row + [None] * (width - len(row)) for row in rows]
