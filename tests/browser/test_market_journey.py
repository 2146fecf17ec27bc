"""The market's whole chain in a real browser (issue 4): a transfer institution lists a published
achievement and publishes it; after the publicity period an enterprise inquires; the two sides talk in
the private thread and agree a deal; the seller fills in and submits the registration form with the
signed contract; the registrar of the seller's locality registers it with a 16-digit number and prints
the certificate; a visitor sees the deal on the disclosure board.

Only the set-up data and the end of the publicity period (the beat task, with the clock moved on by a
queryset update) bypass the pages. The pages are Chinese; the test finds things by names, URLs and data
attributes, and checks the visible results against the database.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from institutions.choices import ClassificationScheme
from market.choices import ContractCategory, ContractSubType, DealStatus, InquiryStatus, ListingStatus
from market.models import ContractRegistration, Deal, Inquiry, Listing
from market.tasks.listings import listing_close_publicity_task
from tests import factories
from tests.achievements.factories import classification, published
from tests.browser.conftest import screenshot
from tests.market import factories as market_factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

PASSWORD = "Tianfu#2026"
TITLE = "高安全锂离子电池硅碳负极材料制备技术"  # the title tests.achievements.factories gives
SELLER = "四川大学技术转移中心"
BUYER = "德阳东方智能装备有限公司"
INQUIRY = "我司计划在德阳建设硅碳负极中试线，希望了解该技术的转让条件和技术支持方式。"
REPLY = "欢迎洽谈：可提供工艺包和为期一年的驻厂技术指导，转让价120万元。"
TERMS = "首付30%，中试线验收合格后支付其余70%；卖方提供一年驻厂技术指导。"
# amounts are shown grouped, with or without the ".00" and a "¥" or "元" (the formats are being unified)
PRICE = re.compile(r"1,200,000(\.00)?")
TECHNICAL_AMOUNT = re.compile(r"1,000,000(\.00)?")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def people():
    seller_type = classification(ClassificationScheme.ENTITY_TYPE, "022")
    buyer_type = classification(ClassificationScheme.ENTITY_TYPE, "150")
    institution = factories.TransferInstitutionFactory(
        name=SELLER, region=factories.region("510107"), entity_type=seller_type
    )
    seller = factories.staff_of(institution, username="scu-seller", full_name="王晓川")
    official = factories.official_for("510100", username="chengdu-reviewer", full_name="李审核")
    achievement = published(seller, official, institution)

    enterprise = market_factories.enterprise(BUYER, "510603")
    enterprise.entity_type = buyer_type
    enterprise.save(update_fields=["entity_type"])
    factories.staff_of(enterprise, username="dy-buyer", full_name="赵德阳")

    # the province's body and Chengdu's: the seller (成都市武侯区) belongs to the more specific one
    market_factories.registration_body("510000")
    body = market_factories.registration_body("510100")
    registrar = market_factories.registrar_of(body, "cd-registrar")
    registrar.full_name = "陈登记"
    registrar.save(update_fields=["full_name"])
    return {
        "institution": institution,
        "achievement": achievement,
        "enterprise": enterprise,
        "body": body,
    }


def sign_in(page, username: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    expect(page.locator("form[action='/accounts/login/']")).to_have_count(0)


def sign_out(page) -> None:
    page.context.clear_cookies()


def pk_in_url(page, pattern: str) -> int:
    return int(re.search(pattern, page.url).group(1))


def test_a_listing_is_published_negotiated_registered_and_disclosed(page, people):
    base = page.base_url
    achievement = people["achievement"]

    # 1. staff list the published achievement on the market and publish the listing
    sign_in(page, "scu-seller")
    page.goto(f"{base}/achievements/{achievement.pk}/")
    page.click(f"a[href='/market/listings/new/?achievement={achievement.pk}']")
    expect(page).to_have_url(re.compile(rf"/market/listings/new/\?achievement={achievement.pk}$"))
    expect(page.locator("input[name=title]")).to_have_value(TITLE)
    page.select_option("select[name=transaction_mode]", "transfer")
    page.select_option("select[name=pricing_method]", "fixed")
    page.fill("input[name=price]", "1200000")
    listed_until = timezone.localdate() + timedelta(days=365)
    page.fill("input[name=listed_until]", listed_until.isoformat())
    page.fill("input[name=contact_name]", "王晓川")
    page.fill("input[name=contact_phone]", "028-85400000")
    page.fill("input[name=contact_email]", "tech-transfer@scu.example.cn")
    screenshot(page, "market-listing-form")
    page.click("form:has(input[name=contact_name]) button[type=submit]")

    expect(page).to_have_url(re.compile(r"/market/listings/\d+/$"))
    listing_pk = pk_in_url(page, r"/market/listings/(\d+)/")
    expect(page.locator(".listing-status")).to_have_attribute("data-status", "draft")
    page.click(f"form[action='/market/listings/{listing_pk}/publish/'] button[type=submit]")
    expect(page.locator(".listing-status")).to_have_attribute("data-status", "publicity")
    expect(page.locator("[data-publicity-end]")).to_be_visible()
    # while the publicity runs the page says that no deal can be signed yet
    expect(page.locator("[data-signing-blocker]")).to_be_visible()
    screenshot(page, "market-listing-publicity")

    listing = Listing.objects.get(pk=listing_pk)
    assert listing.status == ListingStatus.PUBLICITY
    assert listing.achievement_id == achievement.pk
    assert listing.institution_id == people["institution"].pk
    assert listing.price == Decimal("1200000.00")
    assert listing.listed_until == listed_until
    assert listing.publicity_ends_at > timezone.now() + timedelta(days=14)
    sign_out(page)

    # 2. the publicity period ends (the beat task, with the clock moved on)
    Listing.objects.filter(pk=listing_pk).update(publicity_ends_at=timezone.now() - timedelta(minutes=1))
    assert listing_close_publicity_task() == 1
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE

    # 3. an enterprise finds the listing and expresses interest
    sign_in(page, "dy-buyer")
    page.goto(f"{base}/market/listings/{listing_pk}/")
    expect(page.locator(".listing-status")).to_have_attribute("data-status", "active")
    expect(page.locator("[data-signing-blocker]")).to_have_count(0)
    page.click(f"a[href='/market/listings/{listing_pk}/inquire/']")
    expect(page.locator("select[name=buyer] option:checked")).to_have_text(BUYER)
    page.fill("textarea[name=message]", INQUIRY)
    page.click("form:has(textarea[name=message]) button[type=submit]")

    expect(page).to_have_url(re.compile(r"/market/inquiries/\d+/$"))
    inquiry_pk = pk_in_url(page, r"/market/inquiries/(\d+)/")
    expect(page.locator(".inquiry-thread .inquiry-message")).to_have_count(1)
    expect(page.locator(".inquiry-thread")).to_contain_text(INQUIRY)
    inquiry = Inquiry.objects.get(pk=inquiry_pk)
    assert (inquiry.listing_id, inquiry.seller_id, inquiry.buyer_id) == (
        listing_pk,
        people["institution"].pk,
        people["enterprise"].pk,
    )
    assert inquiry.status == InquiryStatus.OPEN
    sign_out(page)

    # 4. the seller replies in the private thread and proposes the deal's terms from it
    sign_in(page, "scu-seller")
    page.goto(f"{base}/market/inquiries/{inquiry_pk}/")
    page.fill(".message-form textarea[name=body]", REPLY)
    page.click(".message-form button[type=submit]")
    expect(page.locator(".inquiry-thread .inquiry-message")).to_have_count(2)
    expect(page.locator("#latest")).to_contain_text(REPLY)
    expect(page.locator(".inquiry-thread")).to_contain_text(INQUIRY)
    screenshot(page, "market-inquiry-thread")

    propose = page.locator(".propose-form")
    expect(propose.locator("input[name=title]")).to_have_value(TITLE)
    propose.locator("input[name=amount]").fill("1200000")
    propose.locator("select[name=payment_method]").select_option("instalments")
    propose.locator("textarea[name=terms]").fill(TERMS)
    propose.locator("input[name=disclose_amount]").check()
    propose.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/market/deals/\d+/$"))
    deal_pk = pk_in_url(page, r"/market/deals/(\d+)/")
    expect(page.locator(".deal-status")).to_have_attribute("data-status", "negotiating")
    expect(page.locator(".deal-confirmations [data-side=seller] .bg-green-lt")).to_be_visible()
    expect(page.locator(".deal-confirmations [data-side=buyer] .bg-green-lt")).to_have_count(0)
    expect(page.locator(".deal-confirm")).to_have_count(0)  # the proposer's side has confirmed
    deal = Deal.objects.get(pk=deal_pk)
    assert deal.status == DealStatus.NEGOTIATING
    assert deal.inquiry_id == inquiry_pk
    assert deal.amount == Decimal("1200000.00")
    assert deal.seller_confirmed_at is not None and deal.buyer_confirmed_at is None
    sign_out(page)

    # 5. the enterprise confirms the terms: the deal is signed
    sign_in(page, "dy-buyer")
    page.goto(f"{base}/market/deals/{deal_pk}/")
    expect(page.locator(".deal-terms")).to_contain_text(TERMS)
    expect(page.locator(".deal-amount")).to_contain_text(PRICE)
    expect(page.locator(".signing-blocker")).to_have_count(0)
    page.click(".deal-confirm")
    expect(page.locator(".deal-status")).to_have_attribute("data-status", "agreed")
    expect(page.locator(".deal-confirmations [data-side=buyer] .bg-green-lt")).to_be_visible()
    expect(page.locator(".deal-contract-link")).to_have_count(0)  # only the seller applies
    screenshot(page, "market-deal-signed")
    deal.refresh_from_db()
    listing.refresh_from_db()
    assert deal.status == DealStatus.AGREED
    assert deal.signed_on == timezone.localdate()
    assert listing.status == ListingStatus.IN_DEAL
    assert Inquiry.objects.get(pk=inquiry_pk).status == InquiryStatus.CONVERTED
    sign_out(page)

    # 6. the seller fills in what the pre-filled registration form misses and submits it
    sign_in(page, "scu-seller")
    page.goto(f"{base}/market/deals/{deal_pk}/")
    page.click(f"a.deal-contract-link[href='/market/deals/{deal_pk}/contract/']")
    expect(page).to_have_url(re.compile(r"/market/contracts/\d+/edit/$"))  # prepared, then its own page
    expect(page.locator("input[name=project_name]")).to_have_value(TITLE)
    expect(page.locator("select[name=contract_category]")).to_have_value("transfer")
    expect(page.locator("input[name=signed_on]")).to_have_value(timezone.localdate().isoformat())
    expect(page.locator("[data-problems]")).to_be_visible()  # costs, investment and the file are missing
    expect(page.locator("main, body").first).to_contain_text(people["body"].name)
    valid_until = timezone.localdate() + timedelta(days=3 * 365)
    # the achievement has no patent: the know-how is transferred as a technical secret
    page.select_option("select[name=sub_type]", "technical_secret_transfer")
    page.select_option("select[name=ip_type]", "technical_secret")
    page.fill("input[name=valid_until]", valid_until.isoformat())
    page.fill("input[name=non_technical_amount]", "200000")
    expect(page.locator("#technical-amount")).to_contain_text(TECHNICAL_AMOUNT)
    page.fill("input[name=expected_investment]", "5000000")
    page.fill("input[name=expected_output]", "20000000")
    page.set_input_files(
        "input[name=upload]",
        files=[{"name": "硅碳负极技术转让合同.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    screenshot(page, "market-contract-form")
    page.click("button[name=action][value=submit]")

    expect(page).to_have_url(re.compile(r"/market/contracts/\d+/$"))
    contract_pk = pk_in_url(page, r"/market/contracts/(\d+)/")
    expect(page.locator(".contract-status")).to_have_attribute("data-status", "submitted")
    expect(page.locator("a[href$='/file/']")).to_have_text("硅碳负极技术转让合同.pdf")
    screenshot(page, "market-contract-submitted")
    contract = ContractRegistration.objects.select_related("deal").get(pk=contract_pk)
    assert contract.deal_id == deal_pk
    assert contract.deal.status == DealStatus.SUBMITTED
    assert contract.registration_body_id == people["body"].pk  # 成都, not the province
    assert contract.contract_category == ContractCategory.TRANSFER
    assert contract.sub_type == ContractSubType.TECHNICAL_SECRET_TRANSFER
    assert contract.contract_amount == Decimal("1200000.00")
    assert contract.non_technical_amount == Decimal("200000.00")
    assert contract.technical_amount == Decimal("1000000.00")
    assert contract.valid_until == valid_until
    assert (contract.seller_entity_type, contract.buyer_entity_type) == ("022", "150")
    assert (contract.seller_region_code, contract.buyer_region_code) == ("510107", "510603")
    assert contract.contract_file.read().startswith(b"%PDF-")
    assert contract.submitted_at is not None and contract.registration_number is None
    sign_out(page)

    # 7. Chengdu's registrar finds it in the queue, registers it and prints the certificate
    sign_in(page, "cd-registrar")
    page.goto(f"{base}/market/registration/")
    row = page.locator(f"tr[data-contract='{contract_pk}']")
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text(TECHNICAL_AMOUNT)
    expect(row.locator("[data-days-left]")).to_be_visible()
    screenshot(page, "market-registration-queue")
    row.locator(f"a[href='/market/contracts/{contract_pk}/']").click()
    register = page.locator(f"form[action='/market/contracts/{contract_pk}/register/']")
    expect(register.locator("select[name=contract_category]")).to_have_value("transfer")
    register.locator("textarea[name=note]").fill("材料齐全，合同要素明确。")
    register.locator("button[type=submit]").click()

    expect(page.locator(".contract-status")).to_have_attribute("data-status", "registered")
    number = page.locator("span[data-registration-number]")
    expect(number).to_have_text(re.compile(r"^\s*\d{16}\s*$"))
    screenshot(page, "market-contract-registered")
    contract.refresh_from_db()
    contract.deal.refresh_from_db()
    listing.refresh_from_db()
    assert re.fullmatch(r"\d{16}", contract.registration_number)
    assert contract.registration_number[4:10] == "510100"  # the registering body's region
    assert number.inner_text().strip() == contract.registration_number
    assert contract.deal.status == DealStatus.REGISTERED
    assert contract.registered_at is not None
    assert contract.disclosure_starts_on == timezone.localdate()
    assert listing.status == ListingStatus.SOLD  # a transfer sells the technology once

    page.click(f"a[href='/market/contracts/{contract_pk}/certificate/']")
    expect(page).to_have_url(re.compile(rf"/market/contracts/{contract_pk}/certificate/$"))
    expect(page.locator("strong[data-registration-number]")).to_have_text(contract.registration_number)
    expect(page.locator(".certificate")).to_contain_text(SELLER)
    expect(page.locator(".certificate")).to_contain_text(BUYER)
    expect(page.locator(".certificate [data-technical-amount]")).to_contain_text(TECHNICAL_AMOUNT)
    screenshot(page, "market-certificate")
    sign_out(page)

    # 8. a visitor sees the deal on the disclosure board
    page.goto(f"{base}/market/disclosures/")
    expect(page.locator("form[action='/accounts/logout/']")).to_have_count(0)  # nobody is signed in
    disclosed = page.locator(f"tr[data-disclosure='{contract_pk}']")
    expect(disclosed).to_contain_text(TITLE)
    expect(disclosed).to_contain_text(SELLER)
    expect(disclosed).to_contain_text(BUYER)
    expect(disclosed.locator("[data-amount]")).to_contain_text(TECHNICAL_AMOUNT)  # both parties consented
    screenshot(page, "market-disclosure-board")
    disclosed.locator(f"a[href='/market/disclosures/{contract_pk}/']").click()
    expect(page).to_have_url(re.compile(rf"/market/disclosures/{contract_pk}/$"))
    expect(page.locator("body")).to_contain_text(TITLE)
    expect(page.locator("body")).to_contain_text(BUYER)
    expect(page.locator("dd[data-amount]")).to_contain_text(TECHNICAL_AMOUNT)
    screenshot(page, "market-disclosure-detail")
