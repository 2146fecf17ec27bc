"""Deals that hold (issue 12, items 2 and 3) in a real browser.

No double sale: two enterprises negotiate on the same transfer listing; the seller signs with the first;
the second deal's page says why it cannot be signed and its confirmation is refused; once the first buyer
cancels, the listing is free and the second deal is signed.

Signatures bound to the terms seen: the seller opens a deal at ¥500,000; the buyer then cuts the amount
to ¥1.00; the seller's confirmation from the page they had open is refused (409) with what changed, and
nothing is signed until the seller confirms the terms now shown.

The set-up (the listing, the inquiries and the proposals, the buyer's change of the amount) goes
through the services; the seller's and buyers' decisions go through the pages, which are Chinese.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from market.choices import DealStatus, ListingStatus
from market.models import Deal, Listing
from market.services import deals as deal_services
from market.services import inquiries as inquiry_services
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_market_journey import sign_in, sign_out
from tests.market import factories as market_factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

SELLER = "四川大学技术转移中心"
TITLE = "高安全锂离子电池硅碳负极材料制备技术"
TAKEN = "已与其他买方签约"


@pytest.fixture
def market():
    institution = factories.TransferInstitutionFactory(name=SELLER, region=factories.region("510107"))
    seller = factories.staff_of(institution, username="scu-seller")
    listing = market_factories.listing(institution, seller, status=ListingStatus.ACTIVE, title=TITLE)
    buyers = {}
    for username, name, region in (
        ("dy-buyer", "德阳东方智能装备有限公司", "510603"),
        ("my-buyer", "绵阳长虹新能源有限公司", "510703"),
    ):
        enterprise = market_factories.enterprise(name, region)
        buyers[username] = (enterprise, factories.staff_of(enterprise, username=username))
    return {"listing": listing, "seller": seller, "buyers": buyers}


def propose(market, username: str, amount: str) -> Deal:
    enterprise, user = market["buyers"][username]
    inquiry = inquiry_services.inquiry_open_for_listing(
        actor=user, listing=market["listing"], buyer=enterprise, message="我司有意受让该技术，请报条件。"
    )
    return deal_services.deal_propose(
        actor=user,
        inquiry=inquiry,
        terms={"amount": Decimal(amount), "payment_method": "instalments", "terms": "首付30%，验收后付清。"},
    )


def test_a_transfer_listing_is_sold_once_and_freed_when_the_deal_is_cancelled(page, market):
    base = page.base_url
    first = propose(market, "dy-buyer", "1200000")
    second = propose(market, "my-buyer", "1300000")

    # 1. the seller signs with the first buyer
    sign_in(page, "scu-seller")
    page.goto(f"{base}/market/deals/{first.pk}/")
    page.click(".deal-confirm")
    expect(page.locator(".deal-status")).to_have_attribute("data-status", "agreed")

    # 2. the second deal's page says why it cannot be signed; confirming it is refused
    page.goto(f"{base}/market/deals/{second.pk}/")
    expect(page.locator(".signing-blocker")).to_contain_text(TAKEN)
    expect(page.locator(".signing-blocker")).to_contain_text("转让")
    screenshot(page, "deal-listing-taken")
    page.click(".deal-confirm")
    expect(page.locator(".site-messages .alert-danger")).to_contain_text(TAKEN)
    expect(page.locator(".deal-status")).to_have_attribute("data-status", "negotiating")
    second.refresh_from_db()
    assert (second.status, second.seller_confirmed_at) == (DealStatus.NEGOTIATING, None)
    assert Deal.objects.filter(listing=market["listing"]).signed().count() == 1
    sign_out(page)

    # 3. the first buyer cancels its signed deal: the listing is back on the market
    sign_in(page, "dy-buyer")
    page.goto(f"{base}/market/deals/{first.pk}/")
    page.click(".cancel-form >> xpath=ancestor::details/summary")
    page.fill(".cancel-form textarea[name=reason]", "融资计划调整，双方协商解除。")
    page.click(".cancel-form button[type=submit]")
    expect(page.locator(".deal-status")).to_have_attribute("data-status", "cancelled")
    assert Listing.objects.get(pk=market["listing"].pk).status == ListingStatus.ACTIVE
    sign_out(page)

    # 4. the seller now signs with the second buyer
    sign_in(page, "scu-seller")
    page.goto(f"{base}/market/deals/{second.pk}/")
    expect(page.locator(".signing-blocker")).to_have_count(0)
    page.click(".deal-confirm")
    expect(page.locator(".deal-status")).to_have_attribute("data-status", "agreed")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.exclusive_listing_id) == (DealStatus.CANCELLED, None)
    assert (second.status, second.exclusive_listing_id) == (DealStatus.AGREED, market["listing"].pk)
    assert Listing.objects.get(pk=market["listing"].pk).status == ListingStatus.IN_DEAL


def test_a_confirmation_of_terms_changed_since_the_page_was_opened_is_refused(page, market):
    base = page.base_url
    deal = propose(market, "dy-buyer", "500000")
    _enterprise, buyer = market["buyers"]["dy-buyer"]

    # 1. the seller opens the deal at ¥500,000
    sign_in(page, "scu-seller")
    page.goto(f"{base}/market/deals/{deal.pk}/")
    expect(page.locator(".deal-amount")).to_contain_text(re.compile(r"500,000"))

    # 2. meanwhile the buyer cuts the amount to ¥1.00
    deal_services.deal_update_terms(actor=buyer, deal=deal, terms={"amount": Decimal("1.00")})

    # 3. the seller's confirmation from the page still showing ¥500,000 is refused, with what changed
    with page.expect_response(re.compile(rf"/market/deals/{deal.pk}/confirm/$")) as answer:
        page.click(".deal-confirm")
    assert answer.value.status == 409
    changed = page.locator("[data-terms-changed]")
    expect(changed).to_be_visible()
    expect(changed.locator("[data-changed-field=amount]")).to_contain_text("500,000.00")
    expect(changed.locator("[data-changed-field=amount]")).to_contain_text("1.00")
    expect(page.locator(".deal-amount")).to_contain_text(re.compile(r"¥1(\.00)?\b"))
    screenshot(page, "deal-terms-changed")
    deal.refresh_from_db()
    assert (deal.status, deal.seller_confirmed_at, deal.terms_version) == (DealStatus.NEGOTIATING, None, 2)

    # 4. only a confirmation of the terms now shown signs the deal
    page.click(".deal-confirm")
    expect(page.locator(".deal-status")).to_have_attribute("data-status", "agreed")
    deal.refresh_from_db()
    assert (deal.status, deal.amount) == (DealStatus.AGREED, Decimal("1.00"))
