"""A contract negotiated off the platform, registered on it (issue 13): a university's technology-transfer
office opens a registration with a Shanghai buyer (an organisation not on the platform, 上海市徐汇区),
checks the party kind switch, attaches the signed contract and submits it; the form goes to the 成都
registration body, whose registrar registers it with a 16-digit number. On a phone."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from institutions.choices import ClassificationScheme
from institutions.models import Region
from market.choices import ContractSource, ContractStatus
from market.models import ContractRegistration
from tests import factories
from tests.achievements.factories import classification
from tests.browser.conftest import screenshot
from tests.market import factories as market_factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

PASSWORD = "Tianfu#2026"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TITLE = "钙钛矿太阳能电池封装工艺技术转让"
BUYER = "上海徐汇光伏材料有限公司"


@pytest.fixture
def people():
    assert Region.objects.filter(code="310104").exists()  # regions of all China are loaded
    office = factories.TransferInstitutionFactory(
        name="四川大学技术转移中心",
        region=factories.region("510107"),
        entity_type=classification(ClassificationScheme.ENTITY_TYPE, "022"),
    )
    factories.staff_of(office, username="scu-office", full_name="王晓川")
    market_factories.registration_body("510000")
    body = market_factories.registration_body("510100")
    registrar = market_factories.registrar_of(body, "cd-registrar")
    registrar.full_name = "陈登记"
    registrar.save(update_fields=["full_name"])
    return {"office": office, "body": body}


def sign_in(page, username: str, name: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    expect(page.locator("body")).to_contain_text(name)


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_an_office_registers_an_offline_contract_with_a_shanghai_buyer(phone, people):
    page = phone
    today = timezone.localdate()
    sign_in(page, "scu-office", "王晓川")

    page.goto(f"{page.base_url}/market/contracts/")
    expect(page.locator("[data-result-count]")).to_have_attribute("data-result-count", "0")
    page.click("a[data-new-registration]")
    expect(page).to_have_url(re.compile(r"/market/contracts/new/$"))

    page.fill("input[name=project_name]", TITLE)
    page.select_option("select[name=contract_category]", "transfer")
    page.select_option("select[name=sub_type]", "technical_secret_transfer")
    page.fill("input[name=signed_on]", (today - timedelta(days=5)).isoformat())
    page.fill("input[name=valid_from]", (today - timedelta(days=5)).isoformat())
    page.fill("input[name=valid_until]", (today + timedelta(days=730)).isoformat())
    page.fill("input[name=contract_amount]", "1500000")
    page.fill("input[name=non_technical_amount]", "100000")
    page.select_option("select[name=payment_method]", index=1)
    page.select_option("select[name=ip_type]", "technical_secret")
    page.fill("input[name=expected_investment]", "3000000")
    page.fill("input[name=expected_output]", "9000000")

    # the kind switch shows the fields of the chosen kind only
    page.select_option("select[name=buyer_kind]", "person")
    expect(page.locator("input[name=buyer_id_number]")).to_be_visible()
    expect(page.locator("input[name=buyer_credit_code]")).to_be_hidden()
    page.select_option("select[name=buyer_kind]", "organisation")
    expect(page.locator("input[name=buyer_id_number]")).to_be_hidden()
    page.fill("input[name=buyer_name]", BUYER)
    page.fill("input[name=buyer_credit_code]", factories.credit_code_for("310104", 777))
    page.fill("input[name=buyer_region_code]", "310104")
    page.select_option("select[name=buyer_entity_type]", "150")
    page.set_input_files(
        "input[name=upload]",
        files=[{"name": "封装工艺技术转让合同.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    screenshot(page, "direct-registration-form")
    page.click("button[name=action][value=save]")

    expect(page).to_have_url(re.compile(r"/market/contracts/\d+/edit/$"))
    contract = ContractRegistration.objects.get(project_name=TITLE)
    assert (contract.source, contract.registration_body_id) == (ContractSource.DIRECT, people["body"].pk)
    assert (contract.buyer_kind, contract.buyer_region_code) == ("organisation", "310104")
    expect(page.locator("body")).to_contain_text(people["body"].name)
    page.click("button[name=action][value=submit]")
    expect(page).to_have_url(re.compile(rf"/market/contracts/{contract.pk}/$"))
    expect(page.locator(".contract-status")).to_have_attribute("data-status", "submitted")
    screenshot(page, "direct-registration-submitted")

    # the 成都 registrar finds it in the queue and registers it
    sign_out(page)
    sign_in(page, "cd-registrar", "陈登记")
    page.goto(f"{page.base_url}/market/registration/")
    expect(page.locator("a[data-enter-paper]")).to_be_visible()
    page.click(f"a[href='/market/contracts/{contract.pk}/']")
    expect(page.locator("body")).to_contain_text(BUYER)
    # … correcting the technical amount (技术交易额): 1,400,000 declared, 1,200,000 found technical
    register_form = page.locator(f"form[action='/market/contracts/{contract.pk}/register/']")
    register_form.locator("input[name$=technical_amount]:not([name$=non_technical_amount])").fill("1200000")
    register_form.locator("button[type=submit]").click()
    expect(page.locator(".contract-status")).to_have_attribute("data-status", "registered")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.REGISTERED
    assert (contract.contract_amount, contract.technical_amount) == (
        Decimal("1500000.00"),
        Decimal("1200000.00"),
    )
    assert re.fullmatch(r"\d{16}", contract.registration_number)
    expect(page.locator("[data-registration-number]")).to_contain_text(contract.registration_number)
    screenshot(page, "direct-registration-registered")

    # the certificate carries a verification code anyone can check on the public page
    page.goto(f"{page.base_url}/market/contracts/{contract.pk}/certificate/")
    code = page.locator("[data-verification-code] strong").inner_text().strip()
    sign_out(page)
    page.goto(f"{page.base_url}/verify/")
    page.fill("input[name=code]", code)
    page.locator("form[action='/verify/'] button[type=submit]").click()
    expect(page.locator("[data-outcome=valid]")).to_be_visible()
    expect(page.locator("body")).to_contain_text(contract.registration_number)
    expect(page.locator("[data-technical-amount]").first).to_contain_text("1,200,000.00")
    expect(page.locator("[data-contract-amount]").first).to_contain_text("1,500,000.00")
    screenshot(page, "direct-registration-verified")
