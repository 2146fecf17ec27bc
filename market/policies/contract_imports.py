"""Checking a row of a JJ-001 workbook (``market.jj001``): values in, a contract's field values or
per-cell errors out; no database. The reference data (code lists, regions, technology fields, the
organisations on the platform by credit code) comes in a ``CodeLists`` built once per import, so
checking 10,000 rows makes no query.

Each error is ``{"row", "column", "cell", "code", "params"}``; ``message(error)`` words it in the
active language (Chinese by default, English when chosen), so stored errors are shown in either.
"""

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from core.spreadsheets import column_letter
from core.validators import text_problem
from institutions.identifiers import check_credit_code
from market.choices import SUB_TYPE_CATEGORY, ContractCategory, PartyKind
from market.jj001 import COLUMNS, COLUMNS_BY_FIELD, TERM_VALUES, TERMS, Column, Kind

CHINA = "142"
# 买/卖方性质 codes from 400 up are natural persons (个人).
PERSON_ENTITY_TYPE_FIRST_DIGIT = "4"
MONEY_MAX = Decimal("999999999999.99")
TEXT_MAX_LENGTH = {"project_name": 200, "national_number": 30, "registration_body": 200}
NAME_MAX_LENGTH = 200

MESSAGES = {
    "required": _("This cell is required."),
    "number16": _("A registration number has exactly 16 digits (got “%(value)s”)."),
    "duplicate_in_file": _("Registration number %(value)s is already on row %(first_row)s of this file."),
    "date": _("“%(value)s” is not a date; write it as YYYY-MM-DD."),
    "future_date": _("The date %(value)s lies in the future."),
    "validity_order": _("The contract cannot end (%(end)s) before it starts (%(start)s)."),
    "registered_before_signed": _("The registration date %(value)s is before the signing date."),
    "amount": _("“%(value)s” is not an amount in yuan (a number, at most two decimals)."),
    "amount_negative": _("An amount cannot be negative."),
    "amount_too_large": _("The amount %(value)s is too large."),
    "non_technical_exceeds": _("Non-technical costs (%(value)s) cannot exceed the contract amount."),
    "technical_exceeds": _("The technical amount (%(value)s) cannot exceed the contract amount."),
    "choice": _("“%(value)s” is not one of: %(allowed)s."),
    "sub_type_category": _("“%(value)s” is not a sub-type of %(category)s."),
    "licence_scope_not_licence": _("A licence scope is given only for a technology licence."),
    "code": _("“%(value)s” is not in the %(list)s code list."),
    "region": _("“%(value)s” is not a GB/T 2260 region code (6 digits of a region of China)."),
    "region_foreign": _("A foreign party has no Chinese region code; leave it blank."),
    "region_required": _("A party in China needs its region code."),
    "credit_code": _("“%(value)s” is not a valid unified social credit code (%(reason)s)."),
    "id_number": _("“%(value)s” is not a valid identity number."),
    "text_too_long": _("At most %(limit)s characters (got %(length)s)."),
    "text_character": _("This text holds a character that is not allowed (%(character)s)."),
    "seller_outside_area": _("The seller (%(value)s) does not lie in the area of %(body)s."),
    "other_body": _("“%(value)s” is not the importing registration body (%(body)s)."),
    "number_of_other_body": _("Registration number %(value)s belongs to another registration body."),
    "not_imported": _(
        "Registration number %(value)s belongs to a registration made on the platform; an import does "
        "not change it."
    ),
    "duplicate_contract": _(
        "This contract (same parties, signing date, amount and title) is already registered as %(other)s "
        "at %(body)s; a contract is registered once."
    ),
}
CREDIT_CODE_REASONS = {
    "length": _("it has not 18 characters"),
    "format": _("it has a character that is not allowed"),
    "checksum": _("its check character is wrong"),
}
CODE_LIST_NAMES = {
    "entity_type": "买/卖方性质",
    "country": "国别代码",
    "technology_field": "技术领域",
    "plan_category": "计划类别",
    "socio_economic_goal": "社会经济目标",
    "trade_subject": "交易主体",
}


def message(error: dict) -> str:
    """The error worded in the active language."""
    template = MESSAGES.get(error.get("code", ""))
    if template is None:
        return error.get("message", "")
    params = dict(error.get("params") or {})
    if "reason" in params:
        params["reason"] = gettext(str(CREDIT_CODE_REASONS.get(params["reason"], params["reason"])))
    return gettext(str(template)) % params if params else gettext(str(template))


@dataclass
class CodeLists:
    """The reference data a workbook is checked against. A code list with no entries loaded is checked
    by shape only (digits of the list's width), so a list not yet loaded never refuses a whole file."""

    codes: dict[str, frozenset[str]]
    regions: frozenset[str]
    technology_fields: dict[str, int]  # code → Classification pk
    organisations: dict[str, int] = field(default_factory=dict)  # credit code → Organisation pk
    body_prefix: str = ""
    body_name: str = ""
    body_credit_code: str = ""
    today: date = date.max

    def code_is_valid(self, scheme: str, code: str) -> bool:
        """The one place a JJ-001 code is checked (to call ``institutions.codes.is_valid_code`` once
        that module lands, with the sets prefetched as now)."""
        if scheme == "technology_field":
            return code in self.technology_fields
        known = self.codes.get(scheme)
        if known:
            return code in known
        return code.isdigit() and 1 <= len(code) <= 4

    def region_is_valid(self, code: str) -> bool:
        return code in self.regions


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def parse_amount(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        text = _text(value).replace(",", "").replace("，", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            return None
    if (
        not amount.is_finite() or amount.normalize().as_tuple().exponent < -2
    ):  # not a number, or over two decimals
        return None
    return amount.quantize(Decimal("0.01")) if amount.adjusted() < 20 else amount


@dataclass
class RowResult:
    row: int
    values: dict = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)


class RowChecker:
    """Checks rows against ``CodeLists``; ``positions`` maps each column's field to its index in the
    row (the file's column order may differ from the template's)."""

    def __init__(self, lists: CodeLists, positions: dict[str, int]):
        self.lists = lists
        self.positions = positions
        self.seen_numbers: dict[str, int] = {}
        # The same parties come back row after row: each distinct code is checked once.
        self._credit_code = functools.lru_cache(maxsize=100_000)(check_credit_code)
        self._id_number_is_valid = functools.lru_cache(maxsize=100_000)(ric.is_valid)

    def _error(self, result: RowResult, column: Column | None, code: str, **params) -> None:
        position = self.positions.get(column.field) if column else None
        result.errors.append(
            {
                "row": result.row,
                "column": column.header if column else "",
                "cell": f"{column_letter(position + 1)}{result.row}" if position is not None else "",
                "code": code,
                "params": {key: str(value) for key, value in params.items()},
            }
        )

    def check(self, row: int, cells: tuple) -> RowResult:
        result = RowResult(row)
        raw = {}
        for column in COLUMNS:
            position = self.positions.get(column.field)
            value = cells[position] if position is not None and position < len(cells) else None
            raw[column.field] = value
            self._cell(result, column, value)
        if not result.errors or all(error["code"] != "required" for error in result.errors):
            self._row(result)
        return result

    # --- one cell ---------------------------------------------------------------------------------

    def _cell(self, result: RowResult, column: Column, value) -> None:
        values = result.values
        if _blank(value):
            values[column.field] = None
            if column.required:
                self._error(result, column, "required")
            return
        text = _text(value) if not isinstance(value, date | datetime) else ""
        if column.kind == Kind.NUMBER16:
            if not re.fullmatch(r"\d{16}", text):
                self._error(result, column, "number16", value=text)
                return
            first = self.seen_numbers.setdefault(text, result.row)
            if first != result.row:
                self._error(result, column, "duplicate_in_file", value=text, first_row=first)
                return
            values[column.field] = text
        elif column.kind == Kind.DATE:
            parsed = parse_date(value)
            if parsed is None:
                self._error(result, column, "date", value=text or value)
            elif parsed > self.lists.today and column.field in ("signed_on", "registered_on"):
                self._error(result, column, "future_date", value=parsed.isoformat())
            else:
                values[column.field] = parsed
        elif column.kind == Kind.AMOUNT:
            amount = parse_amount(value)
            if amount is None:
                self._error(result, column, "amount", value=text)
            elif amount < 0:
                self._error(result, column, "amount_negative")
            elif amount > MONEY_MAX:
                self._error(result, column, "amount_too_large", value=text)
            else:
                values[column.field] = amount
        elif column.kind == Kind.CHOICE:
            choice = TERM_VALUES[column.field].get(text)
            if choice is None:
                self._error(
                    result, column, "choice", value=text, allowed="、".join(TERMS[column.field].values())
                )
            else:
                values[column.field] = choice
        elif column.kind == Kind.CODE:
            if not self.lists.code_is_valid(column.scheme, text):
                self._error(
                    result, column, "code", value=text, list=CODE_LIST_NAMES.get(column.scheme, column.scheme)
                )
            else:
                values[column.field] = text
        elif column.kind == Kind.REGION:
            if not self.lists.region_is_valid(text):
                self._error(result, column, "region", value=text)
            else:
                values[column.field] = text
        elif column.kind == Kind.CREDIT_CODE:
            checked = self._credit_code(text)
            if not checked.is_valid:
                self._error(result, column, "credit_code", value=text, reason=checked.error)
            else:
                values[column.field] = checked.code
        elif column.kind == Kind.ID_NUMBER:
            if not self._id_number_is_valid(text):
                self._error(result, column, "id_number", value=text)
            else:
                values[column.field] = ric.compact(text)
        else:
            limit = TEXT_MAX_LENGTH.get(column.field, NAME_MAX_LENGTH)
            problem = text_problem(text, single_line=True)
            if len(text) > limit:
                self._error(result, column, "text_too_long", limit=limit, length=len(text))
            elif problem is not None:
                self._error(result, column, "text_character", character=problem[1])
            else:
                values[column.field] = text

    # --- across cells ----------------------------------------------------------------------------

    def _row(self, result: RowResult) -> None:
        values = result.values
        by_field = COLUMNS_BY_FIELD
        category, sub_type = values.get("contract_category"), values.get("sub_type")
        if category and sub_type and SUB_TYPE_CATEGORY.get(sub_type) != category:
            self._error(
                result,
                by_field["sub_type"],
                "sub_type_category",
                value=TERMS["sub_type"][sub_type],
                category=TERMS["contract_category"][category],
            )
        if values.get("licence_scope") and category and category != ContractCategory.LICENCE:
            self._error(result, by_field["licence_scope"], "licence_scope_not_licence")
        start, end = values.get("valid_from"), values.get("valid_until")
        if start and end and end < start:
            self._error(result, by_field["valid_until"], "validity_order", start=start, end=end)
        signed, registered = values.get("signed_on"), values.get("registered_on")
        if signed and registered and registered < signed:
            self._error(result, by_field["registered_on"], "registered_before_signed", value=registered)
        contract = values.get("contract_amount")
        non_technical = values.get("non_technical_amount")
        technical = values.get("technical_amount")
        if contract is not None:
            if non_technical is not None and non_technical > contract:
                self._error(
                    result, by_field["non_technical_amount"], "non_technical_exceeds", value=non_technical
                )
            if technical is not None and technical > contract:
                self._error(result, by_field["technical_amount"], "technical_exceeds", value=technical)
            if non_technical is None:
                values["non_technical_amount"] = Decimal("0.00")
            if technical is None:
                values["technical_amount"] = contract - values["non_technical_amount"]
        for side in ("seller", "buyer"):
            self._party(result, side, by_field)
        region = values.get("seller_region_code") or ""
        region_checked = not any(
            error["column"] == by_field["seller_region_code"].header for error in result.errors
        )
        if region_checked and not (self.lists.body_prefix and region.startswith(self.lists.body_prefix)):
            self._error(
                result,
                by_field["seller_region_code"],
                "seller_outside_area",
                value=region or values.get("seller_name") or "",
                body=self.lists.body_name,
            )
        body = values.pop("registration_body", None)
        if body and body not in (self.lists.body_name, self.lists.body_credit_code):
            self._error(
                result, by_field["registration_body"], "other_body", value=body, body=self.lists.body_name
            )
        for name in ("project_name", "national_number"):
            values[name] = values.get(name) or ""
        for name in ("plan_category", "socio_economic_goal", "trade_subject", "licence_scope"):
            values[name] = values.get(name) or ""
        code = values.pop("technology_field", None)
        values["technology_field_id"] = self.lists.technology_fields.get(code) if code else None

    def _party(self, result: RowResult, side: str, by_field: dict[str, Column]) -> None:
        """The party's kind, from its columns: a natural person (an identity number, or a 买/卖方性质 of
        400 and up), a foreign party (a country other than China), an organisation on the platform (its
        credit code is one of the platform's organisations) or one off it."""
        values = result.values
        country = values.get(f"{side}_country_code")
        entity_type = values.get(f"{side}_entity_type") or ""
        region = values.get(f"{side}_region_code")
        credit_code = values.get(f"{side}_credit_code") or ""
        for name in ("name_original", "credit_code", "id_number", "region_code"):
            values[f"{side}_{name}"] = values.get(f"{side}_{name}") or ""
        organisation = None
        if values.get(f"{side}_id_number") or entity_type.startswith(PERSON_ENTITY_TYPE_FIRST_DIGIT):
            kind = PartyKind.PERSON
        elif country and country != CHINA:
            kind = PartyKind.FOREIGN
        else:
            organisation = self.lists.organisations.get(credit_code) if credit_code else None
            kind = PartyKind.PLATFORM if organisation else PartyKind.ORGANISATION
        if country and country != CHINA:
            if region:
                self._error(result, by_field[f"{side}_region_code"], "region_foreign")
        elif country and not region:
            header = by_field[f"{side}_region_code"].header
            if not any(error["column"] == header for error in result.errors):
                self._error(result, by_field[f"{side}_region_code"], "region_required")
        values[f"{side}_kind"] = kind
        values[f"{side}_organisation_id"] = organisation
