"""Excel import of achievements: the template's columns, the workbook reader and the row checker.

Pure Python over openpyxl: no database. The service hands in a ``Vocabulary`` (classifications,
regions, organisations) read beforehand, and gets back per-row data ready for
``services.achievement_create`` plus one error per bad cell.

The file format is Chinese: a sheet 成果 with one achievement per row under a header row, a sheet 说明
(instructions) and a sheet 选项 (allowed values). Headers are matched without their hints in
brackets and the required mark, so ``关键词`` finds ``关键词 (用、分隔)``. Classifications accept a
code, a name or ``code name``; choices accept the Chinese name, the stored value or the English label.

The import key of a row, which makes re-uploading the same file add nothing, is the SHA-256 of
``<institution id>|<title normalised by policies.normalise_title>|<project number, NFKC, upper case,
no spaces>``.
"""

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from openpyxl.utils import get_column_letter

from achievements import identifiers, policies
from achievements.choices import (
    ACHIEVEMENT_COOPERATION_MODES,
    AchievementStage,
    AchievementType,
    CooperationMode,
    DetailVisibility,
    IPKind,
    IPStatus,
    OwnerKind,
    PriceType,
    SecrecyStatus,
)
from core import limits, spreadsheets, uploads, validators
from institutions.identifiers import compact as compact_credit_code
from institutions.identifiers import is_valid_credit_code

DATA_SHEET = "成果"
INSTRUCTIONS_SHEET = "说明"
OPTIONS_SHEET = "选项"
XLSX_CONTENT_TYPE = uploads.XLSX
# Reading stops after this many blank rows in a row: sheets formatted down to row 1,048,576 end quickly.
BLANK_ROWS_ENDING_DATA = 1000


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as written in the template; part of the file format, so not translated
    help: Promise
    example: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 16

    def help_text(self, keyword_limit: int) -> str:
        text = str(self.help)
        return text % {"limit": keyword_limit} if "%(limit)s" in text else text


COLUMNS: tuple[Column, ...] = (
    Column("title", "标题*", _("The achievement's name, at most 200 characters."),
           "高安全锂离子电池硅碳负极材料制备技术", True, ("成果名称", "title"), 36),
    Column("summary", "摘要*", _("The public teaser, shown to everyone."),
           "采用纳米硅与石墨复合，提升锂电池负极材料的循环寿命与安全性，已完成中试。", True, ("summary",), 48),
    Column("detail", "详细介绍", _("Technical detail; who may read it is set by 详情公开范围."),
           "核心工艺包括纳米硅包覆、碳化与造粒三个环节。", False, ("detail",), 48),
    Column("keywords", "关键词 (用、分隔)", _("At most %(limit)s keywords, separated by 、."),
           "锂离子电池、负极材料、硅碳", False, ("keywords",), 24),
    Column("technology_field", "技术领域代码/名称", _("A code or a name from the 选项 sheet."),
           "03", False, ("技术领域", "technology_field"), 18),
    Column("industry", "行业门类", _("GB/T 4754-2017 section: its letter or its name."),
           "C", False, ("industry",), 16),
    Column("strategic_industry", "战略性新兴产业", _("A code or a name from the 选项 sheet."),
           "新材料产业", False, ("strategic_industry",), 18),
    Column("trl", "技术成熟度(1-9)", _("A whole number from 1 to 9 (GB/T 22900-2022)."),
           "6", False, ("TRL", "trl"), 14),
    Column("achievement_type", "成果类型", _("Blank means 应用技术."), "应用技术", False, ("achievement_type",)),
    Column("stage", "所处阶段", _("How far the achievement has come."), "中期", False, ("stage",)),
    Column("funding_programme", "项目来源", _("The programme that funded the work."),
           "国家重点研发计划", False, ("funding_programme",), 20),
    Column("project_number", "项目编号", _("The funding project's number."),
           "2023YFB2400100", False, ("project_number",), 18),
    Column("funding_amount", "资助金额(元)", _("In yuan, not negative, at most two decimal places."),
           "5000000", False, ("funding_amount",)),
    Column("completed_on", "完成日期", _("A date cell, or written as 2024-06-30."),
           "2024-06-30", False, ("completed_on",), 14),
    Column("cooperation_modes", "合作方式 (可多个, 用、分隔)", _("One or more, separated by 、."),
           "转让、普通许可", False, ("cooperation_modes",), 22),
    Column("price_type", "价格方式", _("Blank means 面议, or 参考价格 when a price is given."),
           "参考价格", False, ("price_type",)),
    Column("indicative_price", "参考价格(元)", _("In yuan; required when 价格方式 is 参考价格."),
           "2000000", False, ("indicative_price",)),
    Column("region", "所在地区代码", _("GB/T 2260 code (see the 选项 sheet); blank means the institution's region."),
           "510104", False, ("所在地区", "region"), 14),
    Column("is_dual_use", "军民两用", _("是 or 否; blank means 否."), "否", False, ("is_dual_use",), 10),
    Column("secrecy_status", "密级状态", _("Only dual-use achievements can have been classified; blank means 未定密."),
           "未定密", False, ("secrecy_status",), 12),
    Column("patents", "专利申请号 (可多个, 用、分隔)",
           _("Chinese patent application numbers with their check character; numbers written with ZL are "
             "recorded as granted, others as applied for."),
           "ZL202310123456.6", False, ("专利号", "patents"), 24),
    Column("owners", "权属单位及份额 (名称:份额%, 用、分隔)",
           _("Owners with shares adding up to 100: an organisation on the platform by its full name or credit "
             "code; one not on the platform as 名称（统一社会信用代码）; a person as 姓名（个人）. Blank means the "
             "uploading institution owns it all."),
           "四川大学:60、成都锦江技术转移中心:40", False, ("权属单位", "owners"), 30),
    Column("contributors", "完成人 (姓名:贡献%, 用、分隔)", _("People who made the achievement; the share is optional."),
           "张三:60、李四:40", False, ("contributors",), 22),
    Column("detail_visibility", "详情公开范围", _("Who may read 详细介绍; blank means 登录用户."),
           "登录用户", False, ("detail_visibility",), 14),
)  # fmt: skip
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
# Columns an export adds; an exported file can be uploaded again, so the importer ignores them.
EXPORT_ONLY_HEADERS = ("状态", "汇交编号", "汇交单位", "发布日期")

# The Chinese names written in the template and the export, per choice field.
CHOICE_NAMES: dict[str, dict[str, str]] = {
    "achievement_type": {
        AchievementType.APPLIED: "应用技术",
        AchievementType.BASIC: "基础理论",
        AchievementType.SOFT_SCIENCE: "软科学",
    },
    "stage": {
        AchievementStage.EARLY: "初期",
        AchievementStage.MIDDLE: "中期",
        AchievementStage.MATURE: "成熟",
    },
    "cooperation_modes": {
        CooperationMode.TRANSFER: "转让",
        CooperationMode.LICENCE_EXCLUSIVE: "独占许可",
        CooperationMode.LICENCE_SOLE: "排他许可",
        CooperationMode.LICENCE_ORDINARY: "普通许可",
        CooperationMode.INVESTMENT: "作价投资",
        CooperationMode.JOINT_DEVELOPMENT: "合作开发",
        CooperationMode.TECHNICAL_SERVICE: "技术服务",
    },
    "price_type": {PriceType.FIXED: "参考价格", PriceType.NEGOTIABLE: "面议"},
    "secrecy_status": {
        SecrecyStatus.NEVER_CLASSIFIED: "未定密",
        SecrecyStatus.DECLASSIFIED: "已解密",
        SecrecyStatus.CLASSIFIED: "涉密",
    },
    "detail_visibility": {
        DetailVisibility.PUBLIC: "所有人",
        DetailVisibility.SIGNED_IN: "登录用户",
        DetailVisibility.ENTERPRISE: "登录企业用户",
    },
}
_CHOICES = {
    "achievement_type": AchievementType.choices,
    "stage": AchievementStage.choices,
    "cooperation_modes": ACHIEVEMENT_COOPERATION_MODES,
    "price_type": PriceType.choices,
    "secrecy_status": SecrecyStatus.choices,
    "detail_visibility": DetailVisibility.choices,
}
YES, NO = "是", "否"
_YES = {"是", "y", "yes", "true", "1", "√"}
_NO = {"否", "n", "no", "false", "0", "×"}
_PATENT_KINDS = {
    "invention": IPKind.INVENTION_PATENT,
    "utility_model": IPKind.UTILITY_MODEL,
    "design": IPKind.DESIGN_PATENT,
}

MESSAGES: dict[str, Promise] = {
    "required": _("This column is required, but the cell is empty."),
    "too_long": _("At most %(limit)s characters are allowed; this cell has %(length)s."),
    "unknown_technology_field": _("“%(value)s” is not a technology field; give a code or a name from the 选项 sheet."),
    "unknown_industry": _("“%(value)s” is not a GB/T 4754 industry section; give its letter (A–T) or its name."),
    "unknown_strategic_industry": _("“%(value)s” is not a strategic emerging industry; give a code or a name from the 选项 sheet."),
    "trl": _("“%(value)s” is not a readiness level: give a whole number from 1 to 9."),
    "not_a_number": _("“%(value)s” is not an amount: write a number of yuan, such as 500000."),
    "negative": _("An amount cannot be negative (“%(value)s”)."),
    "amount_format": _("“%(value)s” is too large or has more than two decimal places."),
    "not_a_date": _("“%(value)s” is not a date: use a date cell or write it as 2024-06-30."),
    "unknown_choice": _("“%(value)s” is not an allowed value; choose one of: %(allowed)s."),
    "not_yes_no": _("“%(value)s” is neither 是 nor 否."),
    "unknown_region": _("“%(value)s” is not a region of Sichuan; give the six-digit GB/T 2260 code, such as 510104."),
    "ambiguous_region": _("Several regions are called “%(value)s”; give the six-digit code instead."),
    "patent_format": _("“%(value)s” is not a Chinese patent application number: expected e.g. ZL202310123456.6 (year, type, 7-digit serial, check character)."),
    "patent_checksum": _("The check character of “%(value)s” does not match its digits; please check the number for typos."),
    "patent_repeated": _("The patent number %(value)s is given twice."),
    "too_many_keywords": _("Give at most %(limit)s keywords; this cell has %(count)s."),
    "keyword_too_long": _("The keyword “%(value)s” is longer than %(limit)s characters."),
    "price_missing": _("价格方式 is 参考价格 but no indicative price is given; give the price or choose 面议."),
    "secrecy_needs_dual_use": _("Only dual-use achievements (军民两用 = 是) can have been classified."),
    "unknown_owner": _("“%(value)s” is not an organisation on the platform; give its full name or credit code, write an organisation not on the platform as 名称（统一社会信用代码）, or a person as 姓名（个人）."),
    "owner_credit_code": _("The unified social credit code in “%(value)s” is not valid: it has 18 digits and capital letters (no I, O, Z, S or V) and must pass both of its check characters; check it for typos."),
    "owner_share": _("“%(value)s” needs a share: write each owner as name:share, such as 四川大学:60."),
    "share_range": _("The share in “%(value)s” must be a number above 0 and at most 100."),
    "owner_repeated": _("The owner “%(value)s” is named twice."),
    "shares_total": _("The owners' shares add up to %(total)s %%; they must add up to 100 %%."),
    "duplicate_row": _("This row repeats row %(first)s (same title and project number); only the first one is imported."),
    "unknown_column": _("The column “%(value)s” is not in the template; its values are ignored."),
    "not_xlsx": _("This file is not an Excel workbook (.xlsx). Download the template, fill it in and upload it; save older .xls files as .xlsx first."),
    "unreadable": _("The workbook could not be read; it may be damaged. Open it in Excel or WPS, save it as .xlsx and upload it again."),
    "missing_columns": _("The header row lacks the column(s) %(columns)s. Do not change the template's header row."),
    "too_many_rows": _("The file has more than %(limit)s rows of achievements; split it into files of at most %(limit)s rows."),
    "too_many_cells": _("The sheet has more than %(limit)s cells; split it into smaller files, and leave the cells right of the template's columns empty."),
    **uploads.ARCHIVE_MESSAGES,
    "no_rows": _("The sheet 成果 has no achievements below its header row."),
    **validators.TEXT_MESSAGES,
}  # fmt: skip


def message(code: str, params: dict | None = None) -> str:
    """The message of an error code in the active language."""
    return str(MESSAGES[code]) % (params or {})


def localised(error: dict) -> str:
    """A stored error's message in the active language (it was stored in the default one)."""
    if error.get("code") in MESSAGES:
        return message(error["code"], error.get("params"))
    return error.get("message", "")


class WorkbookError(Exception):
    """The whole file is unusable: not an xlsx, damaged, wrong header, too long."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return message(self.code, self.params)


class _Problem(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = {key: str(value) for key, value in params.items()}


# --- vocabulary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    pk: int
    code: str
    name: str


@dataclass(frozen=True)
class RegionTerm:
    code: str
    name: str
    parent_name: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """The reference data a workbook is checked against, read by the service before checking."""

    technology_fields: tuple[Term, ...] = ()
    industries: tuple[Term, ...] = ()
    strategic_industries: tuple[Term, ...] = ()
    trl_labels: tuple[Term, ...] = ()
    regions: tuple[RegionTerm, ...] = ()
    # Normalised full name or credit code → organisation id, for the owners column.
    organisations: dict[str, int] = field(default_factory=dict)


def normalise(value: str) -> str:
    """Full-width to half-width, lower case, no spaces: how cells and names are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).lower()


def _header_core(header: str) -> str:
    """``关键词 (用、分隔)`` → ``关键词``; ``标题*`` → ``标题``."""
    text = normalise(str(header or "")).replace("*", "")
    return re.split(r"[(\[]", text, maxsplit=1)[0]


_HEADER_KEYS = {
    core: column.key
    for column in COLUMNS
    for core in (_header_core(column.header), *(_header_core(alias) for alias in column.aliases))
}
_IGNORED_HEADERS = {_header_core(header) for header in EXPORT_ONLY_HEADERS}


def _choice_lookup(key: str) -> dict[str, str]:
    """Accepted spellings of each choice: its Chinese name, its stored value, and its label as the pages
    show it in English and in Chinese."""
    lookup = {}
    for language in ("en", "zh-hans"):
        with override(language):
            for value, label in _CHOICES[key]:
                lookup[normalise(value)] = value
                lookup[normalise(str(label))] = value
    for value, name in CHOICE_NAMES[key].items():
        lookup[normalise(name)] = value
    return lookup


# --- reading ------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """The data rows of a workbook: ``columns`` maps each recognised column to its index and header."""

    columns: dict[str, tuple[int, str]]
    rows: list[tuple[int, tuple]]
    header_errors: list[dict]

    def cells(self, values: tuple) -> dict[str, Any]:
        return {
            key: values[index] if index < len(values) else None
            for key, (index, _header) in self.columns.items()
        }

    def owner_references(self) -> set[str]:
        """Every organisation named in the owners column, for the service to look up in one query."""
        if "owners" not in self.columns:
            return set()
        index = self.columns["owners"][0]
        references = set()
        for _row, values in self.rows:
            text = _text(values[index] if index < len(values) else None)
            for item in _split(text):
                name, note = _owner_note(_owner_parts(item)[0])
                references.add(name)
                if note:
                    references.add(note)
        return references


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_workbook(content: bytes, *, max_rows: int, max_cells: int) -> Sheet:
    """Reads the 成果 sheet (or the first sheet) of an xlsx; raises WorkbookError for unusable files.

    The workbook is checked as an archive before anything is unpacked (``uploads.archive_check``),
    then its rows are streamed; reading stops past ``max_rows`` achievements or ``max_cells`` cells.
    """
    if not is_xlsx(content):
        raise WorkbookError("not_xlsx")
    try:
        with spreadsheets.open_workbook(content, max_cells=max_cells) as workbook:
            worksheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
            columns, header_errors, data = _read_sheet(worksheet, max_rows=max_rows, max_cells=max_cells)
    except ValidationError as refusal:  # uploads.archive_check: it would unpack beyond the limits
        raise WorkbookError(refusal.code, **refusal.params) from refusal
    except spreadsheets.TooManyCells as error:
        raise WorkbookError("too_many_cells", limit=error.limit) from error
    except (spreadsheets.UnreadableWorkbook, KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
        raise WorkbookError("unreadable") from error
    if not data:
        raise WorkbookError("no_rows")
    return Sheet(columns=columns, rows=data, header_errors=header_errors)


def _read_sheet(worksheet, *, max_rows: int, max_cells: int):
    rows = spreadsheets.sheet_rows(worksheet, max_cells=max_cells)
    header = next(rows, None) or ()
    columns: dict[str, tuple[int, str]] = {}
    header_errors = []
    for index, title in enumerate(header):
        if _blank(title):
            continue
        core = _header_core(str(title))
        key = _HEADER_KEYS.get(core)
        if key is not None and key not in columns:
            columns[key] = (index, str(title).strip())
        elif core not in _IGNORED_HEADERS:
            header_errors.append(
                _error(1, str(title).strip(), get_column_letter(index + 1) + "1", "", "unknown_column",
                       {"value": str(title).strip()})
            )  # fmt: skip
    missing = [column.header for column in COLUMNS if column.required and column.key not in columns]
    if missing:
        raise WorkbookError("missing_columns", columns="、".join(missing))
    # Only the recognised columns are kept: a row's cells right of them take no memory.
    width = max(index for index, _header in columns.values()) + 1
    data, blanks = [], 0
    for number, values in enumerate(rows, start=2):
        values = values[:width]
        if all(_blank(value) for value in values):
            blanks += 1
            if blanks >= BLANK_ROWS_ENDING_DATA:
                break
            continue
        blanks = 0
        data.append((number, values))
        if len(data) > max_rows:
            raise WorkbookError("too_many_rows", limit=max_rows)
    return columns, header_errors, data


def is_xlsx(content: bytes) -> bool:
    """Whether the bytes are an Excel 2007+ workbook, judged by the content, not the file name."""
    return uploads.content_type_of(content) == XLSX_CONTENT_TYPE


# --- checking -----------------------------------------------------------------------------------


def _error(row: int, column: str, cell: str, field_name: str, code: str, params: dict) -> dict:
    return {
        "row": row,
        "column": column,
        "cell": cell,
        "field": field_name,
        "code": code,
        "params": params,
        "message": message(code, params),
    }


def import_key(*, institution_id: int, title: str, project_number: str) -> str:
    number = normalise(project_number).upper()
    text = f"{institution_id}|{policies.normalise_title(title)}|{number}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；\n]+", text) if part.strip()]


_OWNER = re.compile(r"^(?P<name>.+?)\s*[:：]\s*(?P<share>[^:：]+?)\s*[%％]?$")


def _owner_parts(item: str) -> tuple[str, str | None]:
    match = _OWNER.match(item)
    if match is None:
        return item.strip(), None
    return match["name"].strip(), match["share"].strip()


_OWNER_NOTE = re.compile(r"^(?P<name>.+?)\s*[(（]\s*(?P<note>[^()（）]+?)\s*[)）]$")
PERSON_NOTE = "个人"


def _owner_note(name: str) -> tuple[str, str]:
    """``名称（91510100…）`` → (名称, the code); ``张三（个人）`` → (张三, 个人); a name alone → (name, "")."""
    match = _OWNER_NOTE.match(name)
    if match is None:
        return name, ""
    return match["name"].strip(), match["note"].strip()


def owner_cell_item(*, kind: str, name: str, credit_code: str) -> str:
    """How an owner is written in the owners column (and read back by the import)."""
    if kind == OwnerKind.PERSON:
        return f"{name}（{PERSON_NOTE}）"
    if kind == OwnerKind.EXTERNAL_ORGANISATION:
        return f"{name}（{credit_code}）"
    return name


def _share(text: str, item: str) -> Decimal:
    try:
        share = Decimal(text)
    except InvalidOperation as error:
        raise _Problem("share_range", value=item) from error
    if not (Decimal(0) < share <= Decimal(100)) or share.as_tuple().exponent < -2:
        raise _Problem("share_range", value=item)
    return share


@dataclass
class RowResult:
    row: int
    key: str = ""
    data: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)


def _check_characters(text: str, *, single_line: bool) -> None:
    """Refuses a cell whose text holds a line break (where one line is expected), a control character
    or a direction override, as the model's validators would (``core.validators``)."""
    problem = validators.text_problem(text, single_line=single_line)
    if problem is not None:
        code, character = problem
        raise _Problem(code, character=character)


class RowChecker:
    """Checks rows one by one and remembers their keys, so a row repeated in the file is reported."""

    TEXT_LIMITS = {
        "title": 200,
        "summary": limits.SUMMARY_MAX_LENGTH,
        "detail": limits.DETAIL_MAX_LENGTH,
        "funding_programme": 200,
        "project_number": 100,
    }
    # The texts of several lines; every other text is one line (core.validators).
    MULTI_LINE = frozenset({"summary", "detail"})

    def __init__(self, vocabulary: Vocabulary, *, institution_id: int, keyword_limit: int):
        self.vocabulary = vocabulary
        self.institution_id = institution_id
        self.keyword_limit = keyword_limit
        self.first_row_of_key: dict[str, int] = {}
        self.choices = {key: _choice_lookup(key) for key in CHOICE_NAMES}
        self.classifications = {
            name: _term_lookup(terms)
            for name, terms in (
                ("technology_field", vocabulary.technology_fields),
                ("industry", vocabulary.industries),
                ("strategic_industry", vocabulary.strategic_industries),
            )
        }
        self.trl_labels = {normalise(term.name): int(term.code) for term in vocabulary.trl_labels}
        self.region_codes = {region.code for region in vocabulary.regions}
        self.region_names: dict[str, list[str]] = {}
        for region in vocabulary.regions:
            for name in {region.name, region.parent_name + region.name}:
                self.region_names.setdefault(normalise(name), []).append(region.code)

    def check(self, *, row: int, cells: dict[str, Any], columns: dict[str, tuple[int, str]]) -> RowResult:
        result = RowResult(row=row)

        def report(key: str, problem: _Problem) -> None:
            index, header = columns.get(key, (None, COLUMNS_BY_KEY[key].header))
            cell = f"{get_column_letter(index + 1)}{row}" if index is not None else ""
            result.errors.append(_error(row, header, cell, key, problem.code, problem.params))

        for column in COLUMNS:
            try:
                value = getattr(self, f"_parse_{column.key}", self._parse_text)(
                    column.key, cells.get(column.key)
                )
            except _Problem as problem:
                report(column.key, problem)
                continue
            if value not in (None, "", []):
                result.data[column.key] = value
        data = result.data
        failed = {error["field"] for error in result.errors}
        if "price_type" not in failed and "indicative_price" not in failed:
            if data.get("indicative_price") is not None and "price_type" not in data:
                data["price_type"] = str(PriceType.FIXED)
            if data.get("price_type") == PriceType.FIXED and data.get("indicative_price") is None:
                report("indicative_price", _Problem("price_missing"))
        secrecy = data.get("secrecy_status", SecrecyStatus.NEVER_CLASSIFIED)
        needs_dual_use = secrecy != SecrecyStatus.NEVER_CLASSIFIED and not data.get("is_dual_use")
        if needs_dual_use and "secrecy_status" not in failed:
            report("secrecy_status", _Problem("secrecy_needs_dual_use"))
        if "title" in data:
            result.key = import_key(
                institution_id=self.institution_id,
                title=data["title"],
                project_number=data.get("project_number", ""),
            )
            first = self.first_row_of_key.setdefault(result.key, row)
            if first != row:
                result.errors.append(_error(row, "", "", "", "duplicate_row", {"first": str(first)}))
        return result

    # Each parser takes the raw cell and returns a JSON-ready value (None when blank) or raises _Problem.

    def _parse_text(self, key: str, value) -> str | None:
        text = _text(value)
        if not text:
            if COLUMNS_BY_KEY[key].required:
                raise _Problem("required")
            return None
        limit = self.TEXT_LIMITS.get(key)
        if limit and len(text) > limit:
            raise _Problem("too_long", limit=limit, length=len(text))
        _check_characters(text, single_line=key not in self.MULTI_LINE)
        return text

    def _parse_keywords(self, key: str, value) -> list[str]:
        words = list(dict.fromkeys(_split(_text(value))))
        if len(words) > self.keyword_limit:
            raise _Problem("too_many_keywords", limit=self.keyword_limit, count=len(words))
        for word in words:
            if len(word) > 30:
                raise _Problem("keyword_too_long", value=word, limit=30)
            _check_characters(word, single_line=True)
        return words

    def _classification(self, key: str, value) -> int | None:
        text = _text(value)
        if not text:
            return None
        lookup = self.classifications[key]
        found = lookup.get(normalise(text))
        if found is None:
            first = re.split(r"[\s\-—_]+", text.strip(), maxsplit=1)[0]
            found = lookup.get(normalise(first))
        if found is None:
            raise _Problem(f"unknown_{key}", value=text)
        return found

    _parse_technology_field = _classification
    _parse_industry = _classification
    _parse_strategic_industry = _classification

    def _parse_trl(self, key: str, value) -> int | None:
        text = _text(value)
        if not text:
            return None
        if normalise(text) in self.trl_labels:
            return self.trl_labels[normalise(text)]
        match = re.fullmatch(r"(?:trl)?(\d{1,2})(?:级)?", normalise(text))
        if match is None or not 1 <= int(match[1]) <= 9:
            raise _Problem("trl", value=text)
        return int(match[1])

    def _choice(self, key: str, value) -> str | None:
        text = _text(value)
        if not text:
            return None
        found = self.choices[key].get(normalise(text))
        if found is None:
            raise _Problem("unknown_choice", value=text, allowed="、".join(CHOICE_NAMES[key].values()))
        return str(found)

    _parse_achievement_type = _choice
    _parse_stage = _choice
    _parse_price_type = _choice
    _parse_secrecy_status = _choice
    _parse_detail_visibility = _choice

    def _parse_cooperation_modes(self, key: str, value) -> list[str]:
        modes = []
        for part in _split(_text(value)):
            found = self.choices[key].get(normalise(part))
            if found is None:
                raise _Problem("unknown_choice", value=part, allowed="、".join(CHOICE_NAMES[key].values()))
            if found not in modes:
                modes.append(str(found))
        return modes

    def _amount(self, key: str, value) -> str | None:
        if _blank(value):
            return None
        if isinstance(value, bool | datetime | date):
            raise _Problem("not_a_number", value=_text(value))
        text = _text(value)
        cleaned = re.sub(r"[,，\s]|元$|¥|￥", "", unicodedata.normalize("NFKC", text))
        try:
            amount = Decimal(str(value)) if isinstance(value, int | float) else Decimal(cleaned)
        except InvalidOperation as error:
            raise _Problem("not_a_number", value=text) from error
        if not amount.is_finite():
            raise _Problem("not_a_number", value=text)
        if amount < 0:
            raise _Problem("negative", value=text)
        amount = amount.normalize()
        if amount.as_tuple().exponent < -2 or amount >= Decimal(10) ** 12:
            raise _Problem("amount_format", value=text)
        return str(amount.quantize(Decimal("0.01")))

    _parse_funding_amount = _amount
    _parse_indicative_price = _amount

    def _parse_completed_on(self, key: str, value) -> str | None:
        if _blank(value):
            return None
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        text = _text(value)
        if isinstance(value, str):
            compact = unicodedata.normalize("NFKC", text)
            for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"):
                try:
                    return datetime.strptime(compact, pattern).date().isoformat()
                except ValueError:
                    continue
        raise _Problem("not_a_date", value=text)

    def _parse_region(self, key: str, value) -> str | None:
        text = _text(value)
        if not text:
            return None
        if text in self.region_codes:
            return text
        codes = self.region_names.get(normalise(text), [])
        if len(codes) > 1:
            raise _Problem("ambiguous_region", value=text)
        if not codes:
            raise _Problem("unknown_region", value=text)
        return codes[0]

    def _parse_is_dual_use(self, key: str, value) -> bool | None:
        if _blank(value):
            return None
        if isinstance(value, bool):
            return value
        text = normalise(_text(value))
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise _Problem("not_yes_no", value=_text(value))

    def _parse_patents(self, key: str, value) -> list[dict]:
        patents, seen = [], set()
        for part in _split(_text(value)):
            check = identifiers.check_patent_number(part)
            if check.error == "format":
                raise _Problem("patent_format", value=part)
            if check.error == "checksum":
                raise _Problem("patent_checksum", value=part)
            if check.number in seen:
                raise _Problem("patent_repeated", value=check.number)
            seen.add(check.number)
            granted = identifiers.normalise(part).startswith("ZL")
            patents.append(
                {
                    "kind": str(_PATENT_KINDS[check.patent_type]),
                    "number": check.number,
                    "status": str(IPStatus.GRANTED if granted else IPStatus.APPLIED),
                }
            )
        return patents

    def _parse_owners(self, key: str, value) -> list[dict] | None:
        items = _split(_text(value))
        if not items:
            return None
        owners, seen, total = [], set(), Decimal(0)
        for item in items:
            _check_characters(item, single_line=True)
            name, share_text = _owner_parts(item)
            if share_text is None and len(items) > 1:
                raise _Problem("owner_share", value=item)
            share = _share(share_text, item) if share_text is not None else Decimal(100)
            owner = self._owner(name, item)
            identity = owner.get("organisation") or (owner["kind"], owner.get("credit_code") or owner["name"])
            if identity in seen:
                raise _Problem("owner_repeated", value=name)
            seen.add(identity)
            total += share
            owners.append({**owner, "share_percent": str(share)})
        if total != Decimal(100):
            raise _Problem("shares_total", total=format(total.normalize(), "f"))
        return owners

    def _owner(self, text: str, item: str) -> dict:
        """An owner of the owners column: on the platform (by name or credit code), not on it (name with
        its credit code in brackets) or a person (name with （个人）)."""
        organisation = self.vocabulary.organisations.get(normalise(text))
        if organisation is not None:
            return {"organisation": organisation}
        name, note = _owner_note(text)
        if note == PERSON_NOTE or normalise(note) == "person":
            return {"kind": str(OwnerKind.PERSON), "name": name}
        if not note:
            raise _Problem("unknown_owner", value=text)
        organisation = self.vocabulary.organisations.get(normalise(note))
        if organisation is not None:
            return {"organisation": organisation}
        if not is_valid_credit_code(note):
            raise _Problem("owner_credit_code", value=item)
        return {
            "kind": str(OwnerKind.EXTERNAL_ORGANISATION),
            "name": name,
            "credit_code": compact_credit_code(note),
        }

    def _parse_contributors(self, key: str, value) -> list[dict]:
        people = []
        for item in _split(_text(value)):
            name, share_text = _owner_parts(item)
            _check_characters(name, single_line=True)
            if len(name) > 50:
                raise _Problem("too_long", limit=50, length=len(name))
            people.append(
                {"name": name, "share_percent": str(_share(share_text, item)) if share_text else None}
            )
        return people


def _term_lookup(terms: Iterable[Term]) -> dict[str, int]:
    lookup = {}
    for term in terms:
        lookup[normalise(term.name)] = term.pk
        lookup[normalise(term.code)] = term.pk
    return lookup
