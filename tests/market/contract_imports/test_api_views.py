"""The import's API and pages: upload → 202, progress and errors, permissions, the template."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from market import jj001
from market.models import ContractImport, ContractImportStatus
from tests.market.contract_imports.conftest import good_row, upload, workbook

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/contract-imports/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_upload_answers_202_and_the_import_shows_progress_and_errors(
    api_client, registrar, chengdu_body, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(registrar)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            IMPORTS,
            {
                "registration_body": chengdu_body.pk,
                "file": upload(workbook([good_row(1), good_row(2, signed_on="x")])),
            },
            format="multipart",
        )
    assert response.status_code == 202
    assert response.json()["status"] == "queued"

    url = f"{IMPORTS}{response.json()['id']}/"
    assert api_client.get(url).json()["errors"][0]["message"] == "“x”不是日期，请按 YYYY-MM-DD 填写。"
    detail = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert detail["status"] == "done"
    assert (detail["created_count"], detail["error_count"], detail["progress_percent"]) == (1, 1, 100)
    assert detail["errors"] == [
        {
            "row": 3,
            "column": "签订日期",
            "cell": "G3",
            "code": "date",
            "message": "“x” is not a date; write it as YYYY-MM-DD.",
        }
    ]


def test_api_refuses_with_clear_4xx(api_client, registrar, chengdu_body, mianyang_registrar):
    assert api_client.post(IMPORTS, {}, format="multipart").status_code == 401
    api_client.force_authenticate(registrar)
    missing = api_client.post(IMPORTS, {"registration_body": chengdu_body.pk}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["fields"]
    disguised = api_client.post(
        IMPORTS,
        {"registration_body": chengdu_body.pk, "file": upload(b"just text, not a workbook", "a.xlsx")},
        format="multipart",
    )
    assert disguised.status_code == 400 and "file" in disguised.json()["fields"]
    api_client.force_authenticate(mianyang_registrar)
    refused = api_client.post(
        IMPORTS,
        {"registration_body": chengdu_body.pk, "file": upload(workbook([good_row()]))},
        format="multipart",
    )
    assert refused.status_code == 403
    assert not ContractImport.objects.exists()


def test_an_import_is_hidden_from_other_bodies(
    api_client, registrar, chengdu_body, mianyang_registrar, run_import
):
    record = run_import(registrar, chengdu_body, workbook([good_row()]))
    api_client.force_authenticate(mianyang_registrar)
    assert api_client.get(f"{IMPORTS}{record.pk}/").status_code == 404
    assert (
        _client(mianyang_registrar)
        .get(reverse("market:contract-import-detail", args=[record.pk]))
        .status_code
        == 404
    )


def test_the_template_has_the_columns_instructions_and_drop_downs(registrar):
    response = _client(registrar).get(reverse("market:contract-import-template"))
    book = load_workbook(io.BytesIO(response.content))

    assert book.sheetnames == [jj001.DATA_SHEET, jj001.INSTRUCTIONS_SHEET, jj001.OPTIONS_SHEET]
    assert tuple(cell.value for cell in book[jj001.DATA_SHEET][1]) == jj001.HEADERS
    instructions = [row[0] for row in book[jj001.INSTRUCTIONS_SHEET].iter_rows(values_only=True)]
    assert "合同登记编号" in instructions and "卖方国别代码" in instructions
    validated = {
        str(rule.sqref).split(":")[0] for rule in book[jj001.DATA_SHEET].data_validations.dataValidation
    }
    assert {"D2", "E2", "N2"} <= validated  # 合同类别, 合同子类, 卖方性质


def test_the_start_page_is_for_registrars_only(registrar, chengdu_staff, chengdu_official):
    assert _client(registrar).get(reverse("market:contract-import-start")).status_code == 200
    assert _client(chengdu_staff).get(reverse("market:contract-import-start")).status_code == 403
    assert _client(chengdu_official).get(reverse("market:contract-import-start")).status_code == 403


def test_upload_through_the_page(registrar, chengdu_body, django_capture_on_commit_callbacks):
    client = _client(registrar)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("market:contract-import-start"),
            {"registration_body": chengdu_body.pk, "file": upload(workbook([good_row()]))},
        )
    record = ContractImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("market:contract-import-detail", args=[record.pk])
    assert record.status == ContractImportStatus.DONE


def test_a_disguised_file_shows_the_refusal_on_the_page(registrar, chengdu_body):
    response = _client(registrar).post(
        reverse("market:contract-import-start"),
        {"registration_body": chengdu_body.pk, "file": upload(b"hello", "a.xlsx")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ContractImport.objects.exists()


@pytest.mark.parametrize("bad_rows", [1, 60])
def test_the_import_page_query_count_does_not_grow_with_errors(
    registrar, chengdu_body, run_import, django_assert_num_queries, bad_rows
):
    record = run_import(
        registrar, chengdu_body, workbook([good_row(n, signed_on="x") for n in range(1, bad_rows + 1)])
    )
    client = _client(registrar)
    url = reverse("market:contract-import-detail", args=[record.pk])
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(EXPECTED_QUERIES):
        response = client.get(url)
    assert response.status_code == 200


EXPECTED_QUERIES = 9
