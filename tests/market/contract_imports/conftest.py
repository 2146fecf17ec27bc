"""Fixtures of the registration import and export: the 成都 registration body with its registrar, a
绵阳 body whose registrar must not import for 成都, workbooks in the JJ-001 layout built in memory."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from market import jj001
from market.services import contract_imports as import_services
from tests import factories
from tests.market import factories as market_factories

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def chengdu_body(db):
    return market_factories.registration_body("510100")


@pytest.fixture
def mianyang_body(db):
    return market_factories.registration_body("510700")


@pytest.fixture
def registrar(chengdu_body):
    return market_factories.registrar_of(chengdu_body, "chengdu-registrar")


@pytest.fixture
def mianyang_registrar(mianyang_body):
    return market_factories.registrar_of(mianyang_body, "mianyang-registrar")


SELLER_CODE = factories.credit_code_for("510107", 9001, prefix="12")
BUYER_CODE = factories.credit_code_for("310115", 9002)


def good_row(number: int = 1, **overrides) -> dict:
    """A complete, valid row by field (values as the national system exports them)."""
    row = {
        "registration_number": f"5101012024{number:06d}",
        "national_number": f"JS{number:08d}",
        "project_name": f"锂电池正极材料制备技术开发{number}",
        "contract_category": "技术开发",
        "sub_type": "委托开发",
        "licence_scope": None,
        "signed_on": date(2024, 3, 15),
        "valid_from": date(2024, 3, 15),
        "valid_until": date(2025, 3, 14),
        "seller_name": "四川测试大学",
        "seller_name_original": None,
        "seller_credit_code": SELLER_CODE,
        "seller_id_number": None,
        "seller_entity_type": "022",
        "seller_country_code": "142",
        "seller_region_code": "510107",
        "buyer_name": "上海测试材料有限公司",
        "buyer_name_original": None,
        "buyer_credit_code": BUYER_CODE,
        "buyer_id_number": None,
        "buyer_entity_type": "150",
        "buyer_country_code": "142",
        "buyer_region_code": "310115",
        "technology_field": "03",
        "ip_type": "发明专利",
        "plan_category": None,
        "socio_economic_goal": None,
        "trade_subject": None,
        "contract_amount": 500000,
        "technical_amount": 450000,
        "non_technical_amount": 50000,
        "payment_method": "一次总算分期支付",
        "expected_investment": None,
        "expected_output": None,
        "registered_on": date(2024, 3, 20),
        "registration_body": None,
    }
    row.update(overrides)
    return row


def workbook(rows: list[dict], headers: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = jj001.DATA_SHEET
    headers = headers or list(jj001.HEADERS)
    sheet.append(headers)
    for row in rows:
        sheet.append(
            [
                row.get(jj001.COLUMNS_BY_HEADER[h].field) if h in jj001.COLUMNS_BY_HEADER else "x"
                for h in headers
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "registrations.xlsx", content_type: str = XLSX) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Uploads a workbook and runs the queued task in-process; returns the import, refreshed."""

    def run(actor, body, content: bytes, name: str = "registrations.xlsx"):
        with django_capture_on_commit_callbacks(execute=True):
            record = import_services.contract_import_create(
                actor=actor, registration_body=body, uploaded_file=upload(content, name)
            )
        record.refresh_from_db()
        return record

    return run
