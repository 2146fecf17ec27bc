"""The import service: a good file, bad cells, wrong columns, a disguised file, re-upload."""

import io
import zipfile
from decimal import Decimal

import pghistory.models
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from market import jj001
from market.choices import ContractSource, ContractStatus, NumberSource, PartyKind
from market.models import ContractImport, ContractImportStatus, ContractRegistration
from market.policies import contract_imports as checks
from market.services import contract_imports as import_services
from market.tasks.contract_imports import contract_import_run_task
from tests.market.contract_imports.conftest import SELLER_CODE, good_row, upload, workbook

pytestmark = pytest.mark.django_db


def test_a_good_file_is_saved_as_registered_national_imports(registrar, chengdu_body, run_import):
    record = run_import(registrar, chengdu_body, workbook([good_row(1), good_row(2)]))

    assert record.status == ContractImportStatus.DONE
    assert (record.total_rows, record.created_count, record.updated_count, record.unchanged_count) == (
        2,
        2,
        0,
        0,
    )
    assert record.errors == []
    contract = ContractRegistration.objects.get(registration_number="5101012024000001")
    assert contract.source == ContractSource.IMPORT
    assert contract.status == ContractStatus.REGISTERED
    assert contract.number_source == NumberSource.NATIONAL
    assert contract.registration_body == chengdu_body
    assert contract.national_number == "JS00000001"
    assert contract.technical_amount == Decimal("450000.00")
    assert contract.seller_kind == PartyKind.ORGANISATION
    assert contract.seller_credit_code == SELLER_CODE
    assert contract.buyer_region_code == "310115"
    assert contract.technology_field.code == "03"
    assert timezone.localdate(contract.registered_at).isoformat() == "2024-03-20"


def test_party_kinds_are_inferred_from_the_columns(registrar, chengdu_body, chengdu_institution, run_import):
    rows = [
        good_row(1, seller_credit_code=chengdu_institution.credit_code, seller_region_code="510104"),
        good_row(
            2,
            buyer_name="示例股份公司",
            buyer_name_original="Example GmbH",
            buyer_credit_code=None,
            buyer_entity_type="300",
            buyer_country_code="304",
            buyer_region_code=None,
        ),
        good_row(
            3,
            buyer_name="张三",
            buyer_credit_code=None,
            buyer_id_number="11010519491231002X",
            buyer_entity_type="400",
            buyer_region_code="510104",
        ),
    ]
    record = run_import(registrar, chengdu_body, workbook(rows))

    assert record.errors == []
    by_number = {c.registration_number[-1]: c for c in ContractRegistration.objects.all()}
    assert by_number["1"].seller_kind == PartyKind.PLATFORM
    assert by_number["1"].seller_organisation == chengdu_institution
    assert by_number["1"].applicant == chengdu_institution
    assert by_number["2"].buyer_kind == PartyKind.FOREIGN
    assert by_number["2"].buyer_name_original == "Example GmbH"
    assert by_number["3"].buyer_kind == PartyKind.PERSON
    assert by_number["3"].buyer_id_number == "11010519491231002X"


def test_bad_cells_are_listed_per_cell_and_the_valid_rows_still_saved(registrar, chengdu_body, run_import):
    rows = [
        good_row(1),
        good_row(
            2, signed_on="2024-13-45", contract_amount="五十万", seller_credit_code="91510100MA0000000X"
        ),
        good_row(3, registration_number="123", buyer_entity_type="999", buyer_region_code="999999"),
        good_row(4, seller_region_code="510703"),  # a 绵阳 seller is not in 成都's area
        good_row(5, sub_type="专利权转让", non_technical_amount=600000),
        good_row(1),  # the same number twice in the file
    ]
    record = run_import(registrar, chengdu_body, workbook(rows))

    assert record.status == ContractImportStatus.DONE
    assert record.created_count == 1
    assert record.error_count == 5
    problems = {(error["row"], error["cell"], error["code"]) for error in record.errors}
    assert problems == {
        (3, "G3", "date"),
        (3, "AC3", "amount"),
        (3, "L3", "credit_code"),
        (4, "A4", "number16"),
        (4, "U4", "code"),
        (4, "W4", "region"),
        (5, "P5", "seller_outside_area"),
        (6, "E6", "sub_type_category"),
        (6, "AE6", "non_technical_exceeds"),
        (7, "A7", "duplicate_in_file"),
    }
    messages = {error["cell"]: checks.message(error) for error in record.errors}
    assert messages["G3"] == "“2024-13-45” is not a date; write it as YYYY-MM-DD."
    assert messages["W4"] == "“999999” is not a GB/T 2260 region code (6 digits of a region of China)."
    assert ContractRegistration.objects.count() == 1


def test_a_required_cell_left_blank(registrar, chengdu_body, run_import):
    record = run_import(registrar, chengdu_body, workbook([good_row(1, project_name=None)]))

    assert [(e["cell"], e["code"]) for e in record.errors] == [("C2", "required")]
    assert record.created_count == 0


def test_wrong_columns_refuse_the_whole_file(registrar, chengdu_body, run_import):
    headers = [h for h in jj001.HEADERS if h != "签订日期"] + ["备注"]
    record = run_import(registrar, chengdu_body, workbook([good_row(1)], headers=headers))

    assert record.status == ContractImportStatus.FAILED
    assert "签订日期" in record.failure and "备注" in record.failure
    assert not ContractRegistration.objects.exists()


@pytest.mark.parametrize(
    "name,content",
    [
        ("registrations.xlsx", "合同登记编号,项目名称\n5101012024000001,测试\n".encode()),
        ("registrations.xlsx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_a_disguised_file_is_refused_at_upload(registrar, chengdu_body, name, content):
    with pytest.raises(ValidationError) as refusal:
        import_services.contract_import_create(
            actor=registrar, registration_body=chengdu_body, uploaded_file=upload(content, name)
        )
    assert "file" in refusal.value.message_dict
    assert not ContractImport.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(registrar, chengdu_body):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError):
        import_services.contract_import_create(
            actor=registrar, registration_body=chengdu_body, uploaded_file=upload(buffer.getvalue())
        )
    assert not ContractImport.objects.exists()


def test_re_upload_is_idempotent_and_updates_changed_rows_with_history(registrar, chengdu_body, run_import):
    run_import(registrar, chengdu_body, workbook([good_row(1), good_row(2)]))

    again = run_import(registrar, chengdu_body, workbook([good_row(1), good_row(2)]))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)

    changed = run_import(
        registrar, chengdu_body, workbook([good_row(1), good_row(2, technical_amount=400000), good_row(3)])
    )
    assert (changed.created_count, changed.updated_count, changed.unchanged_count) == (1, 1, 1)
    assert ContractRegistration.objects.count() == 3
    contract = ContractRegistration.objects.get(registration_number="5101012024000002")
    assert contract.technical_amount == Decimal("400000.00")
    events = pghistory.models.Events.objects.references(contract).filter(pgh_label="update")
    assert [event.pgh_data["technical_amount"] for event in events] == [400000.0]


def test_a_number_of_another_body_is_not_touched(
    registrar, chengdu_body, mianyang_body, run_import, mianyang_registrar
):
    run_import(mianyang_registrar, mianyang_body, workbook([good_row(1, seller_region_code="510703")]))

    record = run_import(registrar, chengdu_body, workbook([good_row(1)]))

    assert [e["code"] for e in record.errors] == ["number_of_other_body"]
    assert ContractRegistration.objects.get().registration_body == mianyang_body


def test_a_contract_registered_once_is_not_imported_again_under_another_number(
    registrar, chengdu_body, mianyang_body, run_import, mianyang_registrar
):
    # the same contract (parties, date, amount, title), registered at Mianyang under its number
    run_import(mianyang_registrar, mianyang_body, workbook([good_row(1, seller_region_code="510703")]))

    record = run_import(
        registrar, chengdu_body, workbook([good_row(2, project_name="锂电池正极材料制备技术开发1")])
    )

    assert [(e["code"], e["params"]["other"]) for e in record.errors] == [
        ("duplicate_contract", "5101012024000001")
    ]
    assert checks.message(record.errors[0]).startswith("This contract (same parties")
    assert mianyang_body.name in checks.message(record.errors[0])
    assert ContractRegistration.objects.count() == 1


def test_the_same_contract_twice_in_one_file_is_saved_once(registrar, chengdu_body, run_import):
    twin = good_row(2, project_name="锂电池正极材料制备技术开发1")

    record = run_import(registrar, chengdu_body, workbook([good_row(1), twin]))

    assert (record.created_count, [e["code"] for e in record.errors]) == (1, ["duplicate_contract"])
    assert ContractRegistration.objects.get().duplicate_key != ""


def test_only_registrars_of_the_body_import(chengdu_body, mianyang_registrar, chengdu_official):
    for actor in (mianyang_registrar, chengdu_official):
        with pytest.raises(PermissionDenied):
            import_services.contract_import_create(
                actor=actor, registration_body=chengdu_body, uploaded_file=upload(workbook([good_row()]))
            )
    assert not ContractImport.objects.exists()


def test_a_platform_admin_imports_for_any_body(platform_admin, chengdu_body, run_import):
    assert run_import(platform_admin, chengdu_body, workbook([good_row()])).created_count == 1


def test_the_task_run_twice_changes_nothing_more(registrar, chengdu_body, run_import):
    record = run_import(registrar, chengdu_body, workbook([good_row(1)]))

    assert contract_import_run_task(record.pk) is None
    record.refresh_from_db()
    assert (record.status, record.created_count) == (ContractImportStatus.DONE, 1)
    assert ContractRegistration.objects.count() == 1


def test_a_workbook_with_macros_is_refused_at_upload(registrar, chengdu_body):
    source = zipfile.ZipFile(io.BytesIO(workbook([good_row()])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")

    with pytest.raises(ValidationError) as refusal:
        import_services.contract_import_create(
            actor=registrar, registration_body=chengdu_body, uploaded_file=upload(buffer.getvalue())
        )
    assert "macros" in refusal.value.message_dict["file"][0]
    assert not ContractImport.objects.exists()


def test_the_valid_rows_are_saved_all_or_nothing(registrar, chengdu_body, run_import, monkeypatch):
    run_import(registrar, chengdu_body, workbook([good_row(1)]))

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(import_services, "_update_all", fail)
    record = run_import(
        registrar, chengdu_body, workbook([good_row(1, technical_amount=1), good_row(2), good_row(3)])
    )

    assert record.status == ContractImportStatus.FAILED
    assert "未导入任何数据" in record.failure  # background messages are stored in the site's language
    assert list(ContractRegistration.objects.values_list("registration_number", "technical_amount")) == [
        ("5101012024000001", Decimal("450000.00"))
    ]


def test_optional_columns_may_be_left_out(registrar, chengdu_body, run_import):
    headers = [h for h in jj001.HEADERS if h not in ("全国系统编号", "计划类别", "登记机构")]
    record = run_import(registrar, chengdu_body, workbook([good_row(1)], headers=headers))

    assert (record.status, record.created_count) == (ContractImportStatus.DONE, 1)
    assert ContractRegistration.objects.get().national_number == ""
