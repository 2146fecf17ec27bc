"""Excel import (template → upload → check → preview → confirm → drafts) and export of achievement lists."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.test import Client
from django.utils.translation import override
from openpyxl import load_workbook

from achievements import importing
from achievements.choices import AchievementStatus, ImportStatus, IPKind, IPStatus, PriceType
from achievements.models import Achievement, AchievementOwner, ImportBatch, IPAsset
from achievements.selectors import filings as selectors
from achievements.services import filings as services
from achievements.services import imports as import_services
from core import limits
from institutions.choices import ClassificationScheme
from tests import factories
from tests.achievements.data import workbooks
from tests.achievements.factories import classification, draft, published
from tests.core import archives

pytestmark = pytest.mark.django_db

TEMPLATE_URL = "/api/v1/achievement-imports/template/"
IMPORTS_URL = "/api/v1/achievement-imports/"
EXPORT_URL = "/api/v1/achievements-export/"


@pytest.fixture
def mianyang_staff(mianyang_institution):
    return factories.staff_of(mianyang_institution, username="mianyang-staff")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Runs the callbacks queued on commit (the Celery tasks, in-process as in ``make run``)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def english(error: dict) -> str:
    """A stored cell error as an English reader sees it (messages are re-rendered from their codes)."""
    with override("en"):
        return importing.localised(error)


def site_language_message(code: str, params: dict | None = None) -> str:
    """A whole-file failure as stored: in the site's language, like every background message."""
    with override(django_settings.LANGUAGE_CODE):
        return importing.message(code, params)


def _checked(run_on_commit, actor, institution, content: bytes) -> ImportBatch:
    batch = run_on_commit(
        import_services.import_batch_create,
        actor=actor,
        institution=institution,
        uploaded_file=workbooks.upload(content),
    )
    batch.refresh_from_db()
    return batch


def _imported(run_on_commit, actor, batch) -> ImportBatch:
    run_on_commit(import_services.import_batch_confirm, actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


# --- the template -------------------------------------------------------------------------------


def test_the_template_has_chinese_headers_instructions_and_drop_downs(api_client, chengdu_staff):
    api_client.force_authenticate(chengdu_staff)

    response = api_client.get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == workbooks.XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["成果", "说明", "选项"]
    assert [cell.value for cell in workbook["成果"][1]] == workbooks.HEADERS
    assert workbooks.HEADERS[:3] == ["标题*", "摘要*", "详细介绍"]
    instructions = [[cell.value for cell in row] for row in workbook["说明"].iter_rows()]
    listed = {row[0]: row for row in instructions}
    assert set(workbooks.HEADERS) <= set(listed)
    assert (listed["标题*"][1], listed["详细介绍"][1]) == ("是", "否")  # the request's language
    assert "03 新材料及其应用" in listed["技术领域代码/名称"][3]
    assert listed["成果类型"][3] == "应用技术、基础理论、软科学"
    assert listed["专利申请号 (可多个, 用、分隔)"][4] == "ZL202310123456.6"
    validations = {str(rule.sqref): rule for rule in workbook["成果"].data_validations.dataValidation}
    assert validations["E2:E5001"].formula1 == "'选项'!$B$2:$B$12"
    assert (validations["H2:H5001"].type, validations["H2:H5001"].formula2) == ("whole", "9")
    assert validations["S2:S5001"].type == "list"
    options = workbook["选项"]
    assert [options.cell(row=row, column=2).value for row in (1, 2, 4)] == [
        "技术领域名称",
        "电子信息",
        "新材料及其应用",
    ]


def test_the_template_needs_a_signed_in_user(api_client):
    assert api_client.get(TEMPLATE_URL).status_code == 401


def test_the_template_round_trips_into_drafts(
    chengdu_staff, chengdu_institution, django_capture_on_commit_callbacks
):
    # given the template as downloaded from the page, filled in with openpyxl
    client = Client()
    client.force_login(chengdu_staff)
    template = client.get("/achievements/import/template/")
    assert template.status_code == 200
    content = workbooks.from_template(
        template.content,
        [
            workbooks.good_row(),
            workbooks.good_row(
                title="工业机器人视觉引导系统",
                technology_field="先进制造",
                industry="C",
                strategic_industry="高端装备制造产业",
                trl="8",
                patents="ZL200410053405.8、202320123456.1",
                cooperation_modes="技术服务",
                indicative_price=None,
                project_number="",
                completed_on="2023年5月1日",
            ),
        ],
    )

    # when it is uploaded, checked, previewed and confirmed through the pages
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/achievements/import/",
            {"institution": chengdu_institution.pk, "file": workbooks.upload(content)},
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/achievements/import/{batch.pk}/"
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert preview.context["batch"].status == ImportStatus.VALIDATED
    assert (batch.total_rows, batch.valid_rows, batch.errors) == (2, 2, [])
    assert [title for _row, title in preview.context["valid_titles"]] == [
        "石墨烯改性锂电池负极材料",
        "工业机器人视觉引导系统",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"/achievements/import/{batch.pk}/confirm/")
    summary = client.get(confirmed["Location"])

    # then both rows are drafts of the institution, complete enough to submit
    batch.refresh_from_db()
    assert (batch.status, batch.imported_rows, batch.skipped_rows) == (ImportStatus.IMPORTED, 2, 0)
    assert b"/achievements/mine/" in summary.content
    first, second = Achievement.objects.order_by("pk")
    assert first.status == second.status == AchievementStatus.DRAFT
    assert (first.filing_institution, first.created_by) == (chengdu_institution, chengdu_staff)
    assert first.technology_field == classification(ClassificationScheme.TECHNOLOGY_FIELD, "03")
    assert first.industry == classification(ClassificationScheme.INDUSTRY, "C")
    assert first.strategic_industry == classification(ClassificationScheme.STRATEGIC_INDUSTRY, "3")
    assert (first.trl, first.stage, first.achievement_type) == (6, "middle", "applied")
    assert first.keywords == ["石墨烯", "锂电池", "负极材料"]
    assert first.cooperation_modes == ["transfer", "licence_ordinary"]
    assert (first.price_type, first.indicative_price) == (PriceType.FIXED, Decimal("1200000.00"))
    assert (first.funding_amount, str(first.completed_on)) == (Decimal("800000.00"), "2024-06-30")
    assert (first.region_id, first.is_dual_use) == ("510104", False)
    assert [(o.organisation, o.share_percent) for o in first.owners.all()] == [
        (chengdu_institution, Decimal("100.00"))
    ]
    assert [(c.name, c.share_percent) for c in first.contributors.all()] == [
        ("张三", Decimal("60.00")),
        ("李四", Decimal("40.00")),
    ]
    assert [(a.kind, a.number, a.status) for a in first.ip_assets.all()] == [
        (IPKind.INVENTION_PATENT, "ZL202310123456.6", IPStatus.GRANTED)
    ]
    assert first.import_key == importing.import_key(
        institution_id=chengdu_institution.pk, title="石墨烯改性锂电池负极材料", project_number="2024YFG0001"
    )
    assert services.submission_problems(first) == {}
    assert (second.trl, second.price_type, str(second.completed_on)) == (
        8,
        PriceType.NEGOTIABLE,
        "2023-05-01",
    )
    assert sorted((a.kind, a.number, a.status) for a in second.ip_assets.all()) == [
        (IPKind.INVENTION_PATENT, "ZL200410053405.8", IPStatus.GRANTED),
        (IPKind.UTILITY_MODEL, "ZL202320123456.1", IPStatus.APPLIED),
    ]
    assert Achievement.objects.filter(search_vector__isnull=True).count() == 0


# --- checking: every bad cell -------------------------------------------------------------------


def test_every_bad_cell_is_reported_by_row_and_column(
    run_on_commit, chengdu_staff, chengdu_institution, mianyang_institution
):
    rows = [
        workbooks.good_row(),  # 2
        workbooks.good_row(title=""),  # 3
        workbooks.good_row(title="成果4", trl=12),
        workbooks.good_row(title="成果5", patents="ZL202310123456.7"),
        workbooks.good_row(title="成果6", technology_field="量子通信"),
        workbooks.good_row(title="成果7", completed_on="下个月"),
        workbooks.good_row(title="成果8", funding_amount=-100),
        workbooks.good_row(
            title="成果9", stage="晚期", region="999999", owners="不存在的大学", is_dual_use="也许"
        ),
        workbooks.good_row(
            title="成果10", price_type="参考价格", indicative_price=None, secrecy_status="已解密"
        ),
        workbooks.good_row(),  # 11: the same title and project number as row 2
        workbooks.good_row(
            title="成果12",
            keywords="一、二、三、四、五、六",
            owners=f"{chengdu_institution.name}:60、{mianyang_institution.name}:30",
        ),
        workbooks.good_row(title="成果13", patents="CN12345", industry="Z", cooperation_modes="转让、赠送"),
    ]

    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx(rows))

    assert (batch.status, batch.total_rows, batch.processed_rows, batch.valid_rows) == (
        ImportStatus.VALIDATED,
        12,
        12,
        1,
    )
    assert [(e["row"], e["cell"], e["field"], e["code"]) for e in batch.errors] == [
        (3, "A3", "title", "required"),
        (4, "H4", "trl", "trl"),
        (5, "U5", "patents", "patent_checksum"),
        (6, "E6", "technology_field", "unknown_technology_field"),
        (7, "N7", "completed_on", "not_a_date"),
        (8, "M8", "funding_amount", "negative"),
        (9, "J9", "stage", "unknown_choice"),
        (9, "R9", "region", "unknown_region"),
        (9, "S9", "is_dual_use", "not_yes_no"),
        (9, "V9", "owners", "unknown_owner"),
        (10, "Q10", "indicative_price", "price_missing"),
        (10, "T10", "secrecy_status", "secrecy_needs_dual_use"),
        (11, "", "", "duplicate_row"),
        (12, "D12", "keywords", "too_many_keywords"),
        (12, "V12", "owners", "shares_total"),
        (13, "F13", "industry", "unknown_industry"),
        (13, "O13", "cooperation_modes", "unknown_choice"),
        (13, "U13", "patents", "patent_format"),
    ]
    by_cell = {error["cell"]: error for error in batch.errors}
    assert by_cell["H4"]["column"] == "技术成熟度(1-9)"
    assert english(by_cell["H4"]) == "“12” is not a readiness level: give a whole number from 1 to 9."
    assert english(by_cell["U5"]) == (
        "The check character of “ZL202310123456.7” does not match its digits; please check the number for typos."
    )
    assert english(by_cell["A3"]) == "This column is required, but the cell is empty."
    assert english(by_cell["N7"]) == "“下个月” is not a date: use a date cell or write it as 2024-06-30."
    assert english(by_cell["M8"]) == "An amount cannot be negative (“-100”)."
    assert (
        english(by_cell["E6"])
        == "“量子通信” is not a technology field; give a code or a name from the 选项 sheet."
    )
    assert english(by_cell["V12"]) == "The owners' shares add up to 90 %; they must add up to 100 %."
    assert english(batch.errors[12]) == (
        "This row repeats row 2 (same title and project number); only the first one is imported."
    )
    assert [entry["row"] for entry in batch.rows] == [2]
    assert Achievement.objects.count() == 0


def test_stored_messages_are_shown_in_the_readers_language(run_on_commit, chengdu_staff, chengdu_institution):
    batch = _checked(
        run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx([workbooks.good_row(trl=12)])
    )
    error = dict(batch.errors[0], message="stale text")

    assert english(error) == "“12” is not a readiness level: give a whole number from 1 to 9."


def test_unknown_columns_are_reported_and_an_exports_own_columns_ignored(
    run_on_commit, chengdu_staff, chengdu_institution
):
    headers = [*workbooks.HEADERS, "状态", "汇交编号", "备注"]

    batch = _checked(
        run_on_commit,
        chengdu_staff,
        chengdu_institution,
        workbooks.xlsx([workbooks.good_row()], headers=headers),
    )

    assert [(e["row"], e["cell"], e["code"], e["params"]) for e in batch.errors] == [
        (1, "AA1", "unknown_column", {"value": "备注"})
    ]
    assert batch.valid_rows == 1


def test_codes_names_and_english_labels_are_all_accepted(run_on_commit, chengdu_staff, chengdu_institution):
    row = workbooks.good_row(
        technology_field="03 新材料及其应用",
        industry="c",
        strategic_industry="新材料产业",
        achievement_type="Basic theory",
        stage="mature",
        cooperation_modes="Transfer、作价投资",
        is_dual_use="是",
        secrecy_status="已解密",
        region="成都市锦江区",
        trl="TRL 7",
        funding_amount="1,000,000元",
    )

    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx([row]))

    assert batch.errors == []
    data = batch.rows[0]["data"]
    assert {
        key: data[key] for key in ("achievement_type", "stage", "cooperation_modes", "secrecy_status")
    } == {
        "achievement_type": "basic",
        "stage": "mature",
        "cooperation_modes": ["transfer", "investment"],
        "secrecy_status": "declassified",
    }
    assert (data["region"], data["trl"], data["funding_amount"], data["is_dual_use"]) == (
        "510104",
        7,
        "1000000.00",
        True,
    )


@pytest.mark.parametrize(
    ("content", "name"),
    [
        ("标题,摘要\n石墨烯,摘要\n".encode(), "achievements.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.xls"),
        (b"%PDF-1.7 not a workbook", "achievements.xlsx"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused_with_a_clear_error(
    api_client, chengdu_staff, chengdu_institution, content, name
):
    api_client.force_authenticate(chengdu_staff)

    response = api_client.post(
        IMPORTS_URL,
        {"institution": chengdu_institution.pk, "file": workbooks.upload(content, name)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "file": [
            "This file is not an Excel workbook (.xlsx). Download the template, fill it in and upload it; "
            "save older .xls files as .xlsx first."
        ]
    }
    assert ImportBatch.objects.count() == 0


def test_a_damaged_workbook_fails_the_check_with_a_message(run_on_commit, chengdu_staff, chengdu_institution):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # looks like an xlsx from outside, broken inside
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml")
    damaged = buffer.getvalue()

    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, damaged)

    assert (batch.status, batch.failure) == (ImportStatus.FAILED, site_language_message("unreadable"))


def test_more_rows_than_the_limit_fail_the_check_clearly(
    run_on_commit, settings, chengdu_staff, chengdu_institution
):
    settings.IMPORT_MAX_ROWS = 3
    settings.LANGUAGE_CODE = "en"  # background messages are written in the site's language
    rows = [workbooks.good_row(title=f"成果{number}") for number in range(4)]

    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx(rows))

    assert batch.status == ImportStatus.FAILED
    assert batch.failure == (
        "The file has more than 3 rows of achievements; split it into files of at most 3 rows."
    )
    assert batch.rows == []


def test_a_workbook_that_unpacks_to_a_gigabyte_is_refused_on_upload(
    api_client, tmp_path, chengdu_staff, chengdu_institution
):
    bomb = archives.compression_bomb(tmp_path / "bomb.xlsx").read_bytes()
    api_client.force_authenticate(chengdu_staff)

    response = api_client.post(
        IMPORTS_URL,
        {"institution": chengdu_institution.pk, "file": workbooks.upload(bomb)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "file": [
            "Part of this file unpacks to 339 times its packed size; at most 100 times is accepted. "
            "Save the file again in Office or WPS and upload it."
        ]
    }
    assert ImportBatch.objects.count() == 0


def test_a_stored_workbook_is_checked_as_an_archive_again_before_it_is_read(tmp_path, settings):
    settings.UPLOAD_MAX_COMPRESSION_RATIO = 1000
    bomb = archives.compression_bomb(tmp_path / "bomb.xlsx").read_bytes()

    with pytest.raises(importing.WorkbookError) as error:
        importing.read_workbook(bomb, max_rows=5000, max_cells=250_000)

    assert error.value.code == "archive_unpacked_size"
    with override("en"):
        assert error.value.message == "This file unpacks to 1024 MB; files may unpack to at most 100 MB."


def test_more_cells_than_the_limit_fail_the_check_clearly(
    run_on_commit, settings, chengdu_staff, chengdu_institution
):
    settings.IMPORT_MAX_CELLS = 100
    settings.LANGUAGE_CODE = "en"
    rows = [workbooks.good_row(title=f"成果{number}") for number in range(4)]  # 5 rows of 24 cells

    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx(rows))

    assert batch.status == ImportStatus.FAILED
    assert batch.failure == (
        "The sheet has more than 100 cells; split it into smaller files, and leave the cells right of the "
        "template's columns empty."
    )


def test_cells_right_of_the_templates_columns_are_not_kept():
    workbook = load_workbook(io.BytesIO(workbooks.xlsx([workbooks.good_row()])))
    workbook.active["XFD2"] = "右边很远的单元格"

    sheet = importing.read_workbook(workbooks.to_bytes(workbook), max_rows=10, max_cells=100_000)

    assert [(number, len(values)) for number, values in sheet.rows] == [(2, len(workbooks.HEADERS))]


def test_a_header_row_without_the_required_columns_fails_the_check(
    run_on_commit, chengdu_staff, chengdu_institution
):
    batch = _checked(
        run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx([{}], headers=["名称", "摘要"])
    )

    assert batch.status == ImportStatus.FAILED
    assert batch.failure == site_language_message("missing_columns", {"columns": "标题*"})


def test_an_empty_sheet_fails_the_check(run_on_commit, chengdu_staff, chengdu_institution):
    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx([]))

    assert (batch.status, batch.failure) == (ImportStatus.FAILED, site_language_message("no_rows"))


# --- importing ----------------------------------------------------------------------------------


def test_confirming_imports_only_the_valid_rows(run_on_commit, chengdu_staff, chengdu_institution):
    rows = [
        workbooks.good_row(title="有效成果一"),
        workbooks.good_row(title="无效成果", trl=0),
        workbooks.good_row(title="有效成果二", project_number="2024YFG0002"),
    ]
    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx(rows))

    batch = _imported(run_on_commit, chengdu_staff, batch)

    assert (batch.status, batch.imported_rows, batch.skipped_rows) == (ImportStatus.IMPORTED, 2, 0)
    assert sorted(Achievement.objects.values_list("title", flat=True)) == ["有效成果一", "有效成果二"]
    assert set(Achievement.objects.values_list("status", flat=True)) == {AchievementStatus.DRAFT}


def test_a_failure_in_the_middle_of_the_import_imports_nothing(
    run_on_commit, monkeypatch, settings, chengdu_staff, chengdu_institution
):
    settings.LANGUAGE_CODE = "en"  # background messages are written in the site's language
    rows = [workbooks.good_row(title=f"成果{number}", project_number=str(number)) for number in range(3)]
    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx(rows))
    real_create = services.achievement_create
    calls = []

    def failing_on_the_second_row(**kwargs):
        calls.append(kwargs["data"]["title"])
        if len(calls) == 2:
            raise ValidationError({"title": "模拟的失败"})
        return real_create(**kwargs)

    monkeypatch.setattr(services, "achievement_create", failing_on_the_second_row)

    batch = _imported(run_on_commit, chengdu_staff, batch)

    assert calls == ["成果0", "成果1"]
    assert batch.status == ImportStatus.FAILED
    assert batch.failure == "Row 3 could not be imported: 模拟的失败 Nothing was imported."
    assert (batch.imported_rows, batch.finished_at is not None) == (0, True)
    assert Achievement.objects.count() == 0
    assert IPAsset.objects.count() == AchievementOwner.objects.count() == 0


def test_an_unexpected_error_during_the_import_imports_nothing(
    run_on_commit, monkeypatch, settings, chengdu_staff, chengdu_institution
):
    settings.LANGUAGE_CODE = "en"
    rows = [workbooks.good_row(title=f"成果{number}", project_number=str(number)) for number in range(2)]
    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx(rows))
    real_add = services.ip_asset_add

    def failing_on_the_second_patent(**kwargs):
        if IPAsset.objects.exists():
            raise DatabaseError("connection lost")
        return real_add(**kwargs)

    monkeypatch.setattr(services, "ip_asset_add", failing_on_the_second_patent)

    batch = _imported(run_on_commit, chengdu_staff, batch)

    assert batch.status == ImportStatus.FAILED
    assert batch.failure == "The import failed unexpectedly and nothing was imported. Please try again later."
    assert Achievement.objects.count() == IPAsset.objects.count() == 0


def test_uploading_the_same_file_again_creates_no_duplicates(
    run_on_commit, chengdu_staff, chengdu_institution
):
    content = workbooks.xlsx(
        [workbooks.good_row(), workbooks.good_row(title="工业机器人视觉引导系统", project_number="")]
    )
    first = _imported(
        run_on_commit, chengdu_staff, _checked(run_on_commit, chengdu_staff, chengdu_institution, content)
    )
    client = Client()
    client.force_login(chengdu_staff)

    second = _checked(run_on_commit, chengdu_staff, chengdu_institution, content)
    preview = client.get(f"/achievements/import/{second.pk}/")
    second = _imported(run_on_commit, chengdu_staff, second)

    assert first.file_sha256 == second.file_sha256
    assert (first.imported_rows, first.skipped_rows) == (2, 0)
    assert preview.context["already_imported"] == 2
    assert (second.status, second.imported_rows, second.skipped_rows) == (ImportStatus.IMPORTED, 0, 2)
    assert Achievement.objects.count() == 2


def test_the_same_row_may_be_imported_by_another_institution(
    run_on_commit, chengdu_staff, chengdu_institution, mianyang_staff, mianyang_institution
):
    content = workbooks.xlsx([workbooks.good_row()])

    for actor, institution in ((chengdu_staff, chengdu_institution), (mianyang_staff, mianyang_institution)):
        _imported(run_on_commit, actor, _checked(run_on_commit, actor, institution, content))

    assert Achievement.objects.filter(title="石墨烯改性锂电池负极材料").count() == 2


def test_confirming_twice_or_before_the_check_is_refused(run_on_commit, chengdu_staff, chengdu_institution):
    batch = _imported(
        run_on_commit,
        chengdu_staff,
        _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx([workbooks.good_row()])),
    )
    unchecked = import_services.import_batch_create(
        actor=chengdu_staff,
        institution=chengdu_institution,
        uploaded_file=workbooks.upload(workbooks.xlsx([workbooks.good_row()])),
    )

    for refused in (batch, unchecked):
        with pytest.raises(ValidationError) as raised:
            import_services.import_batch_confirm(actor=chengdu_staff, batch=refused)
        assert raised.value.code == "illegal_transition"
    assert Achievement.objects.count() == 1
    unchecked.refresh_from_db()
    assert unchecked.status == ImportStatus.UPLOADED


def test_a_file_without_valid_rows_cannot_be_confirmed(run_on_commit, chengdu_staff, chengdu_institution):
    batch = _checked(
        run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx([workbooks.good_row(title="")])
    )

    with pytest.raises(ValidationError) as raised:
        import_services.import_batch_confirm(actor=chengdu_staff, batch=batch)

    assert raised.value.code == "nothing_to_import"
    batch.refresh_from_db()
    assert batch.status == ImportStatus.VALIDATED


# --- the API and who may use it -----------------------------------------------------------------


def test_the_api_uploads_checks_and_confirms(api_client, chengdu_staff, chengdu_institution, run_on_commit):
    api_client.force_authenticate(chengdu_staff)
    content = workbooks.xlsx([workbooks.good_row(), workbooks.good_row(title="成果二", trl=12)])

    created = run_on_commit(
        api_client.post,
        IMPORTS_URL,
        {"institution": chengdu_institution.pk, "file": workbooks.upload(content)},
        format="multipart",
    )
    batch_url = f"{IMPORTS_URL}{created.json()['id']}/"
    checked = api_client.get(batch_url, HTTP_ACCEPT_LANGUAGE="en")
    confirmed = run_on_commit(api_client.post, f"{batch_url}confirm/")
    finished = api_client.get(batch_url)

    assert created.status_code == 201
    body = checked.json()
    assert {
        key: body[key] for key in ("status", "progress_percent", "total_rows", "valid_rows", "invalid_rows")
    } == {
        "status": "validated",
        "progress_percent": 100,
        "total_rows": 2,
        "valid_rows": 1,
        "invalid_rows": 1,
    }
    assert body["errors"] == [
        {
            "row": 3,
            "column": "技术成熟度(1-9)",
            "cell": "H3",
            "field": "trl",
            "code": "trl",
            "message": "“12” is not a readiness level: give a whole number from 1 to 9.",
        }
    ]
    assert body["rows"] == [{"row": 2, "title": "石墨烯改性锂电池负极材料"}]
    assert confirmed.status_code == 202
    assert {key: finished.json()[key] for key in ("status", "imported_rows", "skipped_rows")} == {
        "status": "imported",
        "imported_rows": 1,
        "skipped_rows": 0,
    }


def test_confirming_a_finished_import_through_the_api_is_a_400(
    api_client, run_on_commit, chengdu_staff, chengdu_institution
):
    batch = _imported(
        run_on_commit,
        chengdu_staff,
        _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx([workbooks.good_row()])),
    )
    api_client.force_authenticate(chengdu_staff)

    response = api_client.post(f"{IMPORTS_URL}{batch.pk}/confirm/")

    assert response.status_code == 400
    assert Achievement.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("mianyang_staff", 403), ("chengdu_official", 403), ("chengdu_staff", 201)],
)
def test_who_may_upload_for_an_institution(api_client, request, chengdu_institution, who, expected):
    if who != "anonymous":
        api_client.force_authenticate(request.getfixturevalue(who))

    response = api_client.post(
        IMPORTS_URL,
        {
            "institution": chengdu_institution.pk,
            "file": workbooks.upload(workbooks.xlsx([workbooks.good_row()])),
        },
        format="multipart",
    )

    assert response.status_code == expected
    assert ImportBatch.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize(
    ("who", "read", "confirm"),
    [
        ("anonymous", 401, 401),
        ("mianyang_staff", 404, 404),
        ("chengdu_official", 404, 404),
        ("platform_admin", 200, 202),
        ("chengdu_admin", 200, 202),
    ],
)
def test_only_the_uploading_institution_sees_and_confirms_its_import(
    api_client, request, run_on_commit, chengdu_staff, chengdu_institution, who, read, confirm
):
    batch = _checked(
        run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx([workbooks.good_row()])
    )
    if who != "anonymous":
        api_client.force_authenticate(request.getfixturevalue(who))

    read_response = api_client.get(f"{IMPORTS_URL}{batch.pk}/")
    confirm_response = run_on_commit(api_client.post, f"{IMPORTS_URL}{batch.pk}/confirm/")

    assert (read_response.status_code, confirm_response.status_code) == (read, confirm)
    batch.refresh_from_db()
    assert batch.status == (ImportStatus.IMPORTED if confirm == 202 else ImportStatus.VALIDATED)
    assert Achievement.objects.count() == (1 if confirm == 202 else 0)


def test_the_import_pages_permissions(
    run_on_commit, chengdu_staff, chengdu_institution, chengdu_official, mianyang_staff
):
    batch = _checked(
        run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx([workbooks.good_row()])
    )
    anonymous, official, other, own = Client(), Client(), Client(), Client()
    official.force_login(chengdu_official)
    other.force_login(mianyang_staff)
    own.force_login(chengdu_staff)

    assert anonymous.get("/achievements/import/").status_code == 302
    assert anonymous.get(f"/achievements/import/{batch.pk}/").status_code == 302
    assert official.get("/achievements/import/").status_code == 403
    assert official.get(f"/achievements/import/{batch.pk}/").status_code == 404
    assert other.get(f"/achievements/import/{batch.pk}/").status_code == 404
    assert other.post(f"/achievements/import/{batch.pk}/confirm/").status_code == 404
    refused = other.post(
        "/achievements/import/",
        {
            "institution": chengdu_institution.pk,
            "file": workbooks.upload(workbooks.xlsx([workbooks.good_row()])),
        },
    )
    assert refused.status_code == 200
    assert list(refused.context["form"].errors) == ["institution"]
    assert own.get(f"/achievements/import/{batch.pk}/").status_code == 200
    assert ImportBatch.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.VALIDATED


def test_the_upload_page_shows_the_file_error_next_to_the_field(chengdu_staff, chengdu_institution):
    client = Client()
    client.force_login(chengdu_staff)

    response = client.post(
        "/achievements/import/",
        {"institution": chengdu_institution.pk, "file": workbooks.upload(b"not a workbook", "a.xlsx")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [site_language_message("not_xlsx")]}
    assert ImportBatch.objects.count() == 0


def test_the_progress_polls_while_checking_and_stops_when_checked(
    run_on_commit, chengdu_staff, chengdu_institution
):
    client = Client()
    client.force_login(chengdu_staff)
    waiting = import_services.import_batch_create(
        actor=chengdu_staff,
        institution=chengdu_institution,
        uploaded_file=workbooks.upload(workbooks.xlsx([workbooks.good_row()])),
    )  # the check task is queued on commit, which this test's transaction never reaches

    polling = client.get(f"/achievements/import/{waiting.pk}/", HTTP_HX_REQUEST="true")
    import_services.import_batch_check(batch_pk=waiting.pk)
    done = client.get(f"/achievements/import/{waiting.pk}/", HTTP_HX_REQUEST="true")

    assert polling.status_code == 200
    assert b"<html" not in polling.content
    assert b'hx-trigger="every 1s"' in polling.content
    assert b'role="progressbar"' in polling.content
    assert b'hx-trigger="every 1s"' not in done.content
    assert f'action="/achievements/import/{waiting.pk}/confirm/"'.encode() in done.content


def test_the_recent_imports_are_listed_on_the_upload_page(run_on_commit, chengdu_staff, chengdu_institution):
    batch = _checked(
        run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx([workbooks.good_row()])
    )
    client = Client()
    client.force_login(chengdu_staff)

    response = client.get("/achievements/import/")

    assert response.status_code == 200
    assert [listed.pk for listed in response.context["imports"]] == [batch.pk]
    assert list(response.context["form"].fields["institution"].queryset) == [chengdu_institution]


# --- export -------------------------------------------------------------------------------------


def _export_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == workbooks.XLSX
    return workbooks.read(b"".join(response.streaming_content))


def test_the_export_matches_the_filtered_public_list(
    api_client, chengdu_staff, chengdu_official, chengdu_institution
):
    materials = [
        published(chengdu_staff, chengdu_official, chengdu_institution, title=f"新材料成果{number}")
        for number in range(3)
    ]
    published(
        chengdu_staff,
        chengdu_official,
        chengdu_institution,
        title="电子信息成果",
        technology_field=classification(ClassificationScheme.TECHNOLOGY_FIELD, "01"),
    )
    draft(chengdu_staff, chengdu_institution, title="新材料草稿")

    rows = _export_rows(
        api_client.get(EXPORT_URL, {"field": "03", "ordering": "title"}, HTTP_ACCEPT_LANGUAGE="en")
    )

    expected = list(
        selectors.achievement_public_list(actor=AnonymousUser(), filters={"field": "03"}, ordering="title")
    )
    assert rows[0] == [*workbooks.HEADERS, "状态", "汇交编号", "汇交单位", "发布日期"]
    assert [row[0] for row in rows[1:]] == [achievement.title for achievement in expected]
    assert [row[0] for row in rows[1:]] == sorted(achievement.title for achievement in materials)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["技术领域代码/名称"] == "新材料及其应用"
    assert first["行业门类"] == "制造业"
    assert first["技术成熟度(1-9)"] == 6
    assert first["合作方式 (可多个, 用、分隔)"] == "转让、普通许可"
    assert first["权属单位及份额 (名称:份额%, 用、分隔)"] == f"{chengdu_institution.name}:100"
    assert first["所在地区代码"] == "510104"
    assert first["状态"] == "Published"
    assert first["汇交编号"] == materials[0].filing_number
    assert first["汇交单位"] == chengdu_institution.name
    # The detail is for signed-in users by default: a visitor's export leaves it out.
    assert first["详细介绍"] is None


def test_the_export_searches_like_the_list(api_client, chengdu_staff, chengdu_official, chengdu_institution):
    published(chengdu_staff, chengdu_official, chengdu_institution, title="工业机器人视觉引导系统")
    published(chengdu_staff, chengdu_official, chengdu_institution, title="高安全锂离子电池硅碳负极材料")

    rows = _export_rows(api_client.get(EXPORT_URL, {"q": "工业机器人"}))

    assert [row[0] for row in rows[1:]] == ["工业机器人视觉引导系统"]


def test_my_export_includes_drafts_and_the_detail(
    api_client, chengdu_staff, chengdu_institution, mianyang_staff
):
    draft(chengdu_staff, chengdu_institution, title="我的草稿")
    api_client.force_authenticate(chengdu_staff)

    mine = _export_rows(api_client.get(EXPORT_URL, {"scope": "mine"}, HTTP_ACCEPT_LANGUAGE="en"))
    api_client.force_authenticate(mianyang_staff)
    theirs = _export_rows(api_client.get(EXPORT_URL, {"scope": "mine"}))

    row = dict(zip(mine[0], mine[1], strict=True))
    assert (row["标题*"], row["状态"], row["汇交编号"]) == ("我的草稿", "Draft", None)
    assert row["详细介绍"] == "核心工艺包括纳米硅包覆、碳化与造粒三个环节。"
    assert theirs == [mine[0]]


def test_export_scopes_need_the_right_user(api_client, chengdu_staff):
    assert api_client.get(EXPORT_URL, {"scope": "mine"}).status_code == 401
    assert api_client.get(EXPORT_URL, {"scope": "everything"}).status_code == 400
    api_client.force_authenticate(chengdu_staff)
    assert api_client.get(EXPORT_URL, {"scope": "review"}).status_code == 403


def test_the_export_page_streams_the_page_filters(chengdu_staff, chengdu_official, chengdu_institution):
    published(chengdu_staff, chengdu_official, chengdu_institution, title="两用成果", is_dual_use=True)
    published(chengdu_staff, chengdu_official, chengdu_institution, title="民用成果")
    draft(chengdu_staff, chengdu_institution, title="草稿成果")
    visitor, staff = Client(), Client()
    staff.force_login(chengdu_staff)

    dual_use = _export_rows(visitor.get("/achievements/import/export/", {"dual_use": "on", "city": "510100"}))
    other_city = _export_rows(visitor.get("/achievements/import/export/", {"city": "510700"}))
    mine = _export_rows(staff.get("/achievements/import/export/", {"scope": "mine", "sort": "title"}))

    assert [row[0] for row in dual_use[1:]] == ["两用成果"]
    assert other_city[1:] == []
    assert [row[0] for row in mine[1:]] == ["两用成果", "民用成果", "草稿成果"]
    assert visitor.get("/achievements/import/export/", {"scope": "mine"}).status_code == 302


def test_an_export_can_be_uploaded_again(api_client, run_on_commit, chengdu_staff, chengdu_institution):
    draft(chengdu_staff, chengdu_institution, title="导出再导入")
    api_client.force_authenticate(chengdu_staff)
    exported = b"".join(api_client.get(EXPORT_URL, {"scope": "mine"}).streaming_content)

    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, exported)

    assert (batch.status, batch.errors, batch.valid_rows) == (ImportStatus.VALIDATED, [], 1)


def test_the_export_costs_the_same_queries_for_1_and_50_rows(
    api_client, django_assert_num_queries, chengdu_staff, chengdu_official, chengdu_institution
):
    published(chengdu_staff, chengdu_official, chengdu_institution, title="成果0")
    with django_assert_num_queries(4):  # achievements with their joins; owners, contributors, patents
        one = _export_rows(api_client.get(EXPORT_URL))
    for number in range(1, 50):
        published(chengdu_staff, chengdu_official, chengdu_institution, title=f"成果{number}")

    with django_assert_num_queries(4):
        fifty = _export_rows(api_client.get(EXPORT_URL))

    assert (len(one), len(fifty)) == (2, 51)


def test_the_export_link_keeps_the_list_pages_filters(rf):
    request = rf.get("/achievements/mine/", {"status": "draft", "page": "2"})

    html = render_to_string("achievements/import_export_link.html", {"scope": "mine"}, request=request)
    public = render_to_string(
        "achievements/import_export_link.html", {}, request=rf.get("/achievements/", {"field": "03"})
    )

    assert 'href="/achievements/import/export/?status=draft&amp;scope=mine"' in html
    assert 'href="/achievements/import/export/?field=03"' in public


def test_a_summary_or_detail_too_long_is_reported_by_its_cell(
    run_on_commit, chengdu_staff, chengdu_institution
):
    rows = [
        workbooks.good_row(title="成果2", summary="长" * (limits.SUMMARY_MAX_LENGTH + 1)),
        workbooks.good_row(title="成果3", detail="长" * (limits.DETAIL_MAX_LENGTH + 1)),
        workbooks.good_row(title="成果4", summary="长" * limits.SUMMARY_MAX_LENGTH),
    ]

    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx(rows))

    assert [(e["row"], e["cell"], e["field"], e["code"]) for e in batch.errors] == [
        (2, "B2", "summary", "too_long"),
        (3, "C3", "detail", "too_long"),
    ]
    assert english(batch.errors[0]) == (
        f"At most {limits.SUMMARY_MAX_LENGTH} characters are allowed; this cell has {limits.SUMMARY_MAX_LENGTH + 1}."
    )
    assert [entry["row"] for entry in batch.rows] == [4]


def test_a_line_break_in_a_one_line_cell_or_an_override_anywhere_is_reported_by_its_cell(
    run_on_commit, chengdu_staff, chengdu_institution
):
    rows = [
        workbooks.good_row(title="成果2\n第二行"),
        workbooks.good_row(title="成果3", summary="第一段\n第二段\u202e反转"),
        workbooks.good_row(title="成果4", keywords="锂电池、负极\u2066材料"),
        workbooks.good_row(title="成果5", summary="第一段\n\n第二段"),
    ]

    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx(rows))

    assert [(e["row"], e["cell"], e["field"], e["code"]) for e in batch.errors] == [
        (2, "A2", "title", "not_single_line"),
        (3, "B3", "summary", "direction_override"),
        (4, "D4", "keywords", "direction_override"),
    ]
    assert english(batch.errors[0]) == (
        "Write this on one line: it holds a line break, a tab or another control character (U+000A)."
    )
    assert [entry["row"] for entry in batch.rows] == [5]


def test_a_patent_given_twice_in_a_row_is_reported_in_words(
    run_on_commit, chengdu_staff, chengdu_institution
):
    rows = [workbooks.good_row(patents="202310123456.6、ZL202310123456.6")]

    batch = _checked(run_on_commit, chengdu_staff, chengdu_institution, workbooks.xlsx(rows))

    [error] = batch.errors
    assert (error["row"], error["field"], error["code"]) == (2, "patents", "patent_repeated")
    assert english(error) == "The patent number ZL202310123456.6 is given twice."
