"""Time of importing 10,000 historical contract registrations (issue 13, item 5; goal: under a minute
on two cores), beside the floor of writing the same rows.

A workbook of ``ROWS`` rows in the JJ-001 layout is generated (sellers in 成都, buyers across Sichuan,
in other provinces' shape, abroad and natural persons; every tenth seller an organisation on the
platform), then timed end to end as a registrar's upload runs: ``contract_import_create`` (the upload
checks, storing the file) and ``contract_import_run`` (reading the workbook, checking every cell,
saving every row in one transaction), as the Celery task calls it. Then the same file is uploaded again
(every row unchanged), and a third time with every row's technical amount changed (every row updated).
The floor is the same 10,000 contracts written by a bare ``bulk_create`` (the audit triggers fire as
for the import) after deleting them; the ratio is the import's end-to-end time over the floor.

    python bench/run.py contract_import
"""

import io
import os
import platform
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from unittest import mock

ROWS = int(os.environ.get("BENCH_CONTRACT_IMPORT_ROWS", "10000"))
GOAL_SECONDS = 60


def _workbook(rows: int, *, technical_cut: int = 0) -> bytes:
    from core.spreadsheets import ExportWorkbook
    from institutions.identifiers import make_credit_code
    from market import jj001

    buyers = ["510104", "510603", "510703", "511002", "511502", "513401"]
    categories = [
        ("技术开发", "委托开发", ""),
        ("技术转让", "专利权转让", ""),
        ("技术许可", "专利实施许可", "普通"),
        ("技术咨询", "可行性论证", ""),
        ("技术服务", "技术服务", ""),
    ]
    workbook = ExportWorkbook()
    sheet = workbook.add_sheet(jj001.DATA_SHEET, headers=jj001.HEADERS)
    start = date(2021, 1, 4)
    for number in range(1, rows + 1):
        category, sub_type, scope = categories[number % len(categories)]
        signed = start + timedelta(days=number % 1500)
        amount = Decimal(10_000 + (number * 7919) % 5_000_000)
        non_technical = (amount / 10).quantize(Decimal("0.01")) if number % 3 == 0 else Decimal(0)
        buyer = {
            "buyer_name": f"测试采购企业{number}",
            "buyer_name_original": "",
            "buyer_credit_code": make_credit_code(f"91{buyers[number % len(buyers)]}", f"MB{number:06d}"),
            "buyer_id_number": "",
            "buyer_entity_type": "150",
            "buyer_country_code": "142",
            "buyer_region_code": buyers[number % len(buyers)],
        }
        if number % 10 == 7:
            buyer.update(
                buyer_name=f"外国公司{number}",
                buyer_name_original=f"Example Company {number} Ltd",
                buyer_credit_code="",
                buyer_entity_type="300",
                buyer_country_code="304",
                buyer_region_code="",
            )
        elif number % 10 == 9:
            buyer.update(
                buyer_name=f"个人{number}",
                buyer_credit_code="",
                buyer_id_number="11010519491231002X",
                buyer_entity_type="400",
                buyer_region_code="510107",
            )
        values = {
            "registration_number": f"510100{signed.year}{number:06d}",
            "national_number": f"JS{number:010d}",
            "project_name": f"锂电池正极材料制备技术第{number}号合同",
            "contract_category": category,
            "sub_type": sub_type,
            "licence_scope": scope,
            "signed_on": signed,
            "valid_from": signed,
            "valid_until": signed + timedelta(days=365),
            "seller_name": f"成都测试大学{number % 200}",
            "seller_name_original": "",
            "seller_credit_code": make_credit_code("12510107", f"MA{number % 200:06d}"),
            "seller_id_number": "",
            "seller_entity_type": "022",
            "seller_country_code": "142",
            "seller_region_code": "510107",
            **buyer,
            "technology_field": f"{number % 11 + 1:02d}",
            "ip_type": "发明专利" if number % 2 else "技术秘密",
            "plan_category": "",
            "socio_economic_goal": "",
            "trade_subject": "",
            "contract_amount": amount,
            "technical_amount": amount - non_technical - technical_cut,
            "non_technical_amount": non_technical,
            "payment_method": "一次总算一次总付",
            "expected_investment": "",
            "expected_output": "",
            "registered_on": signed + timedelta(days=5),
            "registration_body": "",
        }
        sheet.append([values[column.field] for column in jj001.COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _setup():
    from accounts.models import User
    from institutions.choices import ClassificationScheme, MembershipRole, OrganisationKind
    from institutions.identifiers import make_credit_code
    from institutions.models import Classification, Membership, Organisation, Region

    # 400 个人 comes with the JJ-001 code lists (the "codes" branch); until then it is added here.
    Classification.objects.get_or_create(
        scheme=ClassificationScheme.ENTITY_TYPE, version="JJ-001", code="400", defaults={"name": "个人"}
    )

    body = Organisation.objects.create(
        name="成都市技术合同认定登记站",
        kind=OrganisationKind.REGISTRATION_BODY,
        region=Region.objects.get(code="510100"),
        credit_code=make_credit_code("12510100", "MA000001"),
    )
    registrar = User.objects.create_user(username="bench-registrar", password="Tianfu#2026-bench")
    Membership.objects.create(user=registrar, organisation=body, role=MembershipRole.OFFICIAL)
    # Every tenth seller is an organisation on the platform (linked by its credit code).
    Organisation.objects.bulk_create(
        Organisation(
            name=f"成都测试大学{serial}",
            kind=OrganisationKind.UNIVERSITY,
            region=Region.objects.get(code="510107"),
            credit_code=make_credit_code("12510107", f"MA{serial:06d}"),
        )
        for serial in range(0, 200, 10)
    )
    return body, registrar


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.spreadsheets import XLSX_CONTENT_TYPE

    return SimpleUploadedFile("registrations.xlsx", content, content_type=XLSX_CONTENT_TYPE)


def _timed_import(body, registrar, content: bytes) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from market.services import contract_imports as services

    started = time.perf_counter()
    cpu = time.process_time()
    with CaptureQueriesContext(connection) as queries:
        # The web request's part (upload checks, storing the file), then the task's, as in production;
        # the task is run here, timed apart, whether or not a broker is configured (tasks in-process).
        with mock.patch.object(services.tasks.contract_import_run_task, "delay_on_commit"):
            record = services.contract_import_create(
                actor=registrar, registration_body=body, uploaded_file=_upload(content)
            )
        uploaded = time.perf_counter()
        record = services.contract_import_run(import_pk=record.pk)
    finished = time.perf_counter()
    assert record.status == "done", record.failure
    by_kind: dict[str, float] = {}
    for query in queries.captured_queries:
        kind = " ".join(query["sql"].split()[:3])[:40]
        by_kind[kind] = by_kind.get(kind, 0.0) + float(query["time"])
    slowest = sorted(by_kind.items(), key=lambda item: -item[1])[:3]
    return {
        "database_seconds": round(sum(by_kind.values()), 2),
        "slowest_statements": {kind: round(seconds, 2) for kind, seconds in slowest},
        "seconds": round(finished - started, 2),
        "upload_seconds": round(uploaded - started, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "queries": len(queries.captured_queries),
        "created": record.created_count,
        "updated": record.updated_count,
        "unchanged": record.unchanged_count,
        "errors": record.error_count,
    }


def _timed_read(content: bytes) -> float:
    from market.services import contract_imports as services

    started = time.perf_counter()
    services.read_sheet(content)
    return round(time.perf_counter() - started, 2)


def _timed_floor() -> dict:
    """The same contracts, rebuilt from the database and written again by one bare bulk_create."""
    from django.db import transaction

    from market.models import ContractRegistration

    contracts = list(ContractRegistration.objects.order_by("pk"))
    for contract in contracts:
        contract.pk = None
    ContractRegistration.objects.all().delete()
    started = time.perf_counter()
    with transaction.atomic():
        ContractRegistration.objects.bulk_create(contracts, batch_size=1000)
    return {"seconds": round(time.perf_counter() - started, 2), "rows": len(contracts)}


def run() -> None:
    import tempfile

    from django.db import connection
    from django.test.utils import override_settings

    from bench import report

    # Files are stored under a temporary folder, not the developer's media.
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media, DEBUG=False):
        body, registrar = _setup()
        load_before = round(os.getloadavg()[0], 1)
        started = time.perf_counter()
        content = _workbook(ROWS)
        generation = round(time.perf_counter() - started, 2)
        changed = _workbook(ROWS, technical_cut=1)
        print(
            f"   workbook of {ROWS:,} rows, {len(content) / 1024 / 1024:.1f} MB, in {generation} s",
            flush=True,
        )
        read = _timed_read(content)
        first = _timed_import(body, registrar, content)
        print(f"   first import: {first}", flush=True)
        again = _timed_import(body, registrar, content)
        print(f"   same file again: {again}", flush=True)
        updated = _timed_import(body, registrar, changed)
        print(f"   every row changed: {updated}", flush=True)
        floor = _timed_floor()
        print(f"   floor (bare bulk_create): {floor}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    results = {
        "load_average_before_after": [load_before, round(os.getloadavg()[0], 1)],
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": ROWS,
        "file_mb": round(len(content) / 1024 / 1024, 2),
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": postgresql,
        },
        "generation_seconds": generation,
        "read_seconds": read,
        "first": first,
        "again": again,
        "updated": updated,
        "floor": floor,
        "ratio": round(first["seconds"] / floor["seconds"], 1) if floor["seconds"] else None,
        "goal_seconds": GOAL_SECONDS,
        "goal_met": first["seconds"] < GOAL_SECONDS and updated["seconds"] < GOAL_SECONDS,
    }
    report.save("contract_import", results)
