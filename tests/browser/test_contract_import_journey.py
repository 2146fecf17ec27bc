"""The registration import in a real browser: the 成都 registrar uploads a workbook of historical
registrations, watches the progress bar (htmx polls the status fragment, no inline script), and reads
the result: the counts and the table of bad cells."""

import pytest
from playwright.sync_api import expect

from market.models import ContractImport, ContractRegistration
from market.services import contract_imports as import_services
from market.tasks import contract_imports as import_tasks
from tests.browser.conftest import screenshot
from tests.browser.test_phone_layout import WIDE_ELEMENTS
from tests.market import factories as market_factories
from tests.market.contract_imports.conftest import XLSX, good_row, upload, workbook

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

PASSWORD = "Tianfu#2026"


def test_upload_progress_and_result(page, monkeypatch):
    body = market_factories.registration_body("510100")
    market_factories.registrar_of(body, "chengdu-registrar")
    queued = []
    # The task is held back so that the page shows the import queued; the test then runs it.
    monkeypatch.setattr(import_tasks.contract_import_run_task, "delay_on_commit", queued.append)

    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", "chengdu-registrar")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.goto(f"{page.base_url}/market/contract-imports/")
    content = workbook([good_row(1), good_row(2), good_row(3, signed_on="2024-02-30")])
    page.set_input_files(
        "input[name=file]", files=[{"name": "登记.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    page.click("form.import-upload-form button[type=submit]")

    status = page.locator("#contract-import-status")
    expect(status).to_have_attribute("data-status", "queued")
    expect(page.locator("#contract-import-status .progress")).to_be_visible()
    expect(page.locator("#contract-import-status [role=progressbar]")).to_have_attribute("aria-valuenow", "0")
    screenshot(page, "contract-import-queued")

    import_services.contract_import_run(import_pk=queued[0])

    expect(status).to_have_attribute("data-status", "done", timeout=10_000)
    expect(page.locator("[data-count=created]")).to_have_text("2")
    expect(page.locator("[data-count=errors]")).to_have_text("1")
    expect(page.locator("table.import-errors tr[data-cell=G4]")).to_contain_text("2024-02-30")
    screenshot(page, "contract-import-done")
    assert ContractImport.objects.get().created_count == 2
    assert ContractRegistration.objects.count() == 2


def test_the_import_pages_fit_a_phone(phone, django_capture_on_commit_callbacks):
    body = market_factories.registration_body("510100")
    registrar = market_factories.registrar_of(body, "chengdu-registrar")
    with django_capture_on_commit_callbacks(execute=True):
        record = import_services.contract_import_create(
            actor=registrar,
            registration_body=body,
            uploaded_file=upload(workbook([good_row(1), good_row(2, contract_amount="五十万")])),
        )

    phone.goto(f"{phone.base_url}/accounts/login/")
    phone.fill("input[name=username]", "chengdu-registrar")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("form[action='/accounts/login/'] button[type=submit]")
    for path in ("/market/contract-imports/", f"/market/contract-imports/{record.pk}/"):
        phone.goto(f"{phone.base_url}{path}")
        assert phone.evaluate(WIDE_ELEMENTS) == [], path
    expect(phone.locator("table.import-errors tr[data-cell=AC3]")).to_contain_text("五十万")
    screenshot(phone, "contract-import-phone")
