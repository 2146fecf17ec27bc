"""The export in the JJ-001 layout: its columns, who sees what, and the round trip."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from market import jj001
from market.choices import ContractStatus
from market.models import ContractRegistration
from tests.market.contract_imports.conftest import good_row, workbook

pytestmark = pytest.mark.django_db

API_EXPORT = "/api/v1/contracts/export/"
PAGE_EXPORT = "/market/contracts/export/"


def _sheet(response):
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book[jj001.DATA_SHEET].iter_rows(values_only=True))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_export_has_the_jj001_columns_and_values(registrar, chengdu_body, run_import):
    run_import(registrar, chengdu_body, workbook([good_row(1)]))

    rows = _sheet(_client(registrar).get(PAGE_EXPORT, {"status": "registered"}))

    assert rows[0] == jj001.HEADERS
    exported = dict(zip(jj001.HEADERS, rows[1], strict=True))
    assert exported["合同登记编号"] == "5101012024000001"
    assert exported["合同类别"] == "技术开发"
    assert exported["合同子类"] == "委托开发"
    assert exported["卖方性质"] == "022"
    assert exported["合同金额（元）"] == 500000
    assert exported["登记日期"].date().isoformat() == "2024-03-20"
    assert exported["登记机构"] == chengdu_body.name


def test_a_formula_in_a_name_is_exported_as_text(registrar, chengdu_body, run_import):
    run_import(registrar, chengdu_body, workbook([good_row(1, project_name="@SUM(A1)")]))

    response = _client(registrar).get(PAGE_EXPORT)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cell = book[jj001.DATA_SHEET]["C2"]
    assert cell.data_type == "s"
    assert cell.value == "@SUM(A1)"
    assert cell.quotePrefix


def test_round_trip_export_and_reimport_changes_nothing(
    registrar, chengdu_body, run_import, chengdu_institution
):
    rows = [
        good_row(1),
        good_row(2, seller_credit_code=chengdu_institution.credit_code, seller_region_code="510104"),
        good_row(3, buyer_name="Example", buyer_name_original="Example GmbH", buyer_credit_code=None,
                 buyer_entity_type="300", buyer_country_code="304", buyer_region_code=None, licence_scope=None),
        good_row(4, buyer_name="张三", buyer_credit_code=None, buyer_id_number="11010519491231002X",
                 buyer_entity_type="400", buyer_region_code="510104", plan_category="1", technology_field=None),
    ]  # fmt: skip
    run_import(registrar, chengdu_body, workbook(rows))
    before = list(ContractRegistration.objects.order_by("pk").values())

    response = _client(registrar).get(API_EXPORT, {"status": "registered"})
    content = b"".join(response.streaming_content)
    again = run_import(registrar, chengdu_body, content)

    assert (again.created_count, again.updated_count, again.unchanged_count, again.error_count) == (
        0,
        0,
        4,
        0,
    )
    assert list(ContractRegistration.objects.order_by("pk").values()) == before


def test_export_shows_only_what_the_actor_may_see(
    registrar,
    chengdu_body,
    mianyang_registrar,
    mianyang_body,
    run_import,
    chengdu_official,
    mianyang_official,
):
    run_import(registrar, chengdu_body, workbook([good_row(1)]))
    run_import(mianyang_registrar, mianyang_body, workbook([good_row(2, seller_region_code="510703")]))

    def numbers(user):
        return [row[0] for row in _sheet(_client(user).get(PAGE_EXPORT))[1:]]

    assert numbers(registrar) == ["5101012024000001"]
    assert numbers(mianyang_registrar) == ["5101012024000002"]
    assert numbers(chengdu_official) == ["5101012024000001"]
    assert numbers(mianyang_official) == ["5101012024000002"]


def test_an_applicant_exports_its_own(
    registrar, chengdu_body, run_import, chengdu_institution, chengdu_staff
):
    run_import(
        registrar,
        chengdu_body,
        workbook(
            [
                good_row(1, seller_credit_code=chengdu_institution.credit_code, seller_region_code="510104"),
                good_row(2),
            ]
        ),
    )
    rows = _sheet(_client(chengdu_staff).get(PAGE_EXPORT))
    assert [row[0] for row in rows[1:]] == ["5101012024000001"]


def test_the_queue_tab_export_is_for_registrars(registrar, chengdu_body, run_import, chengdu_staff):
    run_import(registrar, chengdu_body, workbook([good_row(1)]))

    rows = _sheet(_client(registrar).get(PAGE_EXPORT, {"tab": "registered"}))
    assert [row[0] for row in rows[1:]] == ["5101012024000001"]
    assert _client(chengdu_staff).get(PAGE_EXPORT, {"tab": "registered"}).status_code == 403


def test_the_api_export_refuses_an_unknown_tab_and_anonymous(api_client, registrar):
    assert api_client.get(API_EXPORT).status_code == 401
    api_client.force_authenticate(registrar)
    response = api_client.get(API_EXPORT, {"tab": "nonsense"})
    assert response.status_code == 400
    assert "tab" in response.json()["fields"]


def test_the_api_export_refuses_a_filter_that_is_not_valid(api_client, registrar):
    api_client.force_authenticate(registrar)

    response = api_client.get(API_EXPORT, {"year": "abc", "status": "nonsense"})

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"year", "status"}


def test_status_filter_of_the_export(registrar, chengdu_body, run_import):
    run_import(registrar, chengdu_body, workbook([good_row(1)]))
    ContractRegistration.objects.update(status=ContractStatus.CANCELLED)

    assert _sheet(_client(registrar).get(PAGE_EXPORT, {"status": "registered"}))[1:] == []


def test_the_queue_page_links_its_export(registrar, chengdu_body, run_import):
    run_import(registrar, chengdu_body, workbook([good_row(1)]))
    client = _client(registrar)

    page = client.get("/market/registration/", {"tab": "registered", "category": "development"})
    link = f"{PAGE_EXPORT}?tab=registered&amp;category=development"
    assert link in page.content.decode()
    rows = _sheet(client.get(PAGE_EXPORT, {"tab": "registered", "category": "development"}))
    assert [row[0] for row in rows[1:]] == ["5101012024000001"]
