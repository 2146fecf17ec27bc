"""Supply–demand matching in a real browser (issue 5): a 成都 institution's listing of a silicon–carbon
anode technology is on the market (published earlier through the services, in its own words: 锂离子电池);
an enterprise in 德阳 posts a demand for anode material for 锂电池 through the form and submits it; the
official over 德阳 approves it on its page, and the demand's page then recommends the listing (推荐匹配)
with the reasons; the enterprise marks it useful; the institution's staff open the match inbox, see
the demand, and dismiss it with a reason, which hides it.

Only the set-up data bypass the pages. The pages are Chinese; the test finds things by names, URLs and
data attributes, and compares the explanation with what the selectors say in Chinese.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from achievements.choices import CooperationMode
from institutions.choices import ClassificationScheme
from market.choices import DemandStatus, MatchSide, MatchVerdict, PricingMethod
from market.models import Demand, Match, MatchFeedback
from market.selectors import matching as selectors
from market.services import listings as listing_services
from market.services import matching
from tests import factories
from tests.achievements.factories import classification, published
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.market import factories as market_factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

PASSWORD = "Tianfu#2026"
LISTING_TITLE = "高安全锂离子电池硅碳负极材料制备技术"
DEMAND_TITLE = "动力锂电池高容量负极材料技术需求"
INSTITUTION = "四川大学技术转移中心"
ENTERPRISE = "德阳储能电池有限公司"


@pytest.fixture
def people():
    """The institution with its listing on the market, the enterprise and the official over it."""
    matching.corpus_clear()  # the corpus of an earlier test in this process describes emptied tables
    institution = factories.TransferInstitutionFactory(name=INSTITUTION, region=factories.region("510107"))
    staff = factories.staff_of(institution, username="scu-staff", full_name="王晓川")
    chengdu_official = factories.official_for("510100", username="chengdu-reviewer")
    achievement = published(
        staff,
        chengdu_official,
        institution,
        title=LISTING_TITLE,
        summary="采用纳米硅与石墨复合，提升锂离子电池负极材料的循环寿命与安全性，已完成中试。",
        keywords=["锂离子电池", "负极材料", "硅碳"],
        cooperation_modes=[CooperationMode.TRANSFER],
    )
    listing = listing_services.listing_create(
        actor=staff,
        institution=institution,
        achievement=achievement,
        data={
            "transaction_mode": CooperationMode.TRANSFER,
            "pricing_method": PricingMethod.FIXED,
            "price": Decimal("1200000.00"),
            "listed_until": timezone.localdate() + timedelta(days=180),
            "contact_name": "王晓川",
            "contact_phone": "028-85400000",
        },
    )
    listing = listing_services.listing_publish(actor=staff, listing=listing)

    enterprise = market_factories.enterprise(ENTERPRISE, "510603")
    factories.staff_of(enterprise, username="dy-poster", full_name="赵德阳")
    factories.official_for("510600", username="deyang-reviewer", full_name="李审核")
    yield {"listing": listing, "enterprise": enterprise}
    matching.corpus_clear()


def sign_in(page, username: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    expect(page.locator("form[action='/accounts/login/']")).to_have_count(0)


def sign_out(page) -> None:
    page.context.clear_cookies()


def explained(match: Match) -> str:
    """The explanation the page shows, as the selectors put it in Chinese."""
    with translation.override("zh-hans"):
        shown = selectors.with_reasons([selectors.match_get(actor=match.demand.created_by, pk=match.pk)])[0]
    return "；".join(shown.reasons)


def test_a_demand_meets_the_listing_that_answers_it_and_both_sides_judge_the_match(page, people):
    base = page.base_url
    listing = people["listing"]
    assert Match.objects.count() == 0  # nothing to match before the demand

    # 1. the enterprise posts its demand through the form and submits it for review
    sign_in(page, "dy-poster")
    page.goto(f"{base}/market/demands/new/")
    page.fill("input[name=title]", DEMAND_TITLE)
    page.fill(
        "textarea[name=problem]",
        "现有石墨负极比容量不足，快充性能差，希望引进硅碳负极材料技术提升锂电池能量密度。",
    )
    page.fill("textarea[name=expected_outcome]", "负极比容量不低于450mAh/g，循环寿命满足动力电池要求。")
    page.fill("input[name=keywords]", "锂电池、负极材料、硅碳")
    field = classification(ClassificationScheme.TECHNOLOGY_FIELD, "03")
    industry = classification(ClassificationScheme.INDUSTRY, "C")
    page.select_option("select[name=technology_field]", str(field.pk))
    page.select_option("select[name=industry]", str(industry.pk))
    page.select_option("select[name=required_trl]", "5")
    page.select_option("select[name=cooperation_mode]", "transfer")
    page.fill("input[name=budget_min]", "500000")
    page.fill("input[name=budget_max]", "1500000")
    page.fill("input[name=deadline]", (timezone.localdate() + timedelta(days=90)).isoformat())
    page.fill("input[name=contact_name]", "赵工")
    page.fill("input[name=contact_phone]", "0838-2200000")
    page.click("form.demand-form button[type=submit]")

    expect(page).to_have_url(re.compile(r"/market/demands/\d+/$"))
    demand_pk = int(re.search(r"/market/demands/(\d+)/", page.url).group(1))
    # a draft has no matches yet, and the panel says when they come
    expect(page.locator("#matches .match-panel-empty")).to_be_visible()
    page.click(f"form[action='/market/demands/{demand_pk}/submit/'] button[type=submit]")
    expect(page.locator(".demand-status")).to_have_attribute("data-status", "submitted")
    demand = Demand.objects.get(pk=demand_pk)
    assert (demand.status, demand.industry_id, demand.required_trl) == (
        DemandStatus.SUBMITTED,
        industry.pk,
        5,
    )
    sign_out(page)

    # 2. the official over 德阳 approves it on its page; the demand is matched within the request
    sign_in(page, "deyang-reviewer")
    page.goto(f"{base}/market/demands/{demand_pk}/")
    page.click(f"form[action='/market/demands/{demand_pk}/approve/'] button[type=submit]")
    expect(page.locator(".demand-status")).to_have_attribute("data-status", "published")
    match = Match.objects.get()
    assert (match.demand_id, match.listing_id, match.demand_rank, match.listing_rank) == (
        demand_pk,
        listing.pk,
        1,
        1,
    )
    # officials see the recommendations of demands in their jurisdiction, without feedback buttons
    expect(page.locator("#matches .match-row")).to_have_count(1)
    expect(page.locator("#matches [data-action=useful]")).to_have_count(0)
    sign_out(page)

    # 3. the enterprise finds the listing recommended with the reasons, and marks it useful
    sign_in(page, "dy-poster")
    page.goto(f"{base}/market/demands/{demand_pk}/")
    row = page.locator(f"#matches [data-match-row='{match.pk}']")
    expect(row.locator(".match-title")).to_have_text(LISTING_TITLE)
    expect(row.locator(".match-title")).to_have_attribute("href", f"/market/listings/{listing.pk}/")
    expect(row.locator(".match-kind")).to_have_attribute("data-kind", "listing")
    expect(row.locator(".match-owner")).to_have_text(INSTITUTION)
    expect(row.locator(".match-score")).to_have_attribute("data-score", str(round(match.score * 100)))
    expect(row.locator(".match-reasons")).to_have_text(explained(match))
    expect(row.locator(".match-reasons")).to_contain_text("负极材料")
    page.locator("#matches").scroll_into_view_if_needed()
    screenshot(page, "matching-demand-panel")
    page.locator("#matches").screenshot(path=str(SCREENSHOTS / "matching-panel.png"))

    row.locator("[data-action=useful]").click()
    expect(row.locator(".match-verdict")).to_have_attribute("data-verdict", "useful")
    expect(row.locator("[data-action=useful]")).to_have_count(0)
    assert list(MatchFeedback.objects.values_list("side", "verdict")) == [
        (MatchSide.DEMAND, MatchVerdict.USEFUL)
    ]
    sign_out(page)

    # 4. the institution's staff open the match inbox from the menu and see the demand
    sign_in(page, "scu-staff")
    page.goto(f"{base}/market/listings/mine/")
    page.locator("[data-nav=match-inbox]").evaluate("link => link.click()")
    expect(page).to_have_url(re.compile(r"/market/matches/$"))
    row = page.locator(f".match-inbox [data-match-row='{match.pk}']")
    expect(row.locator(".match-title")).to_have_text(DEMAND_TITLE)
    expect(row.locator(".match-owner")).to_have_text(ENTERPRISE)
    expect(row.locator(".match-concerns a")).to_have_text(LISTING_TITLE)
    expect(row.locator(".match-reasons")).to_have_text(explained(match))
    expect(row.locator(".match-verdict")).to_have_count(0)  # the enterprise's verdict is its own
    screenshot(page, "matching-inbox")
    page.locator(".match-inbox").screenshot(path=str(SCREENSHOTS / "matching-inbox-rows.png"))
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    screenshot(page, "matching-inbox-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 5. …and dismiss it with a reason: the row goes, the reason is kept
    row.locator("[data-action=not-relevant]").click()
    row.locator("select[name=reason]").select_option("region")
    row.locator("textarea[name=comment]").fill("我们只服务成都本地企业")
    row.screenshot(path=str(SCREENSHOTS / "matching-dismiss-form.png"))
    row.locator(".match-dismiss button[type=submit]").click()
    expect(page.locator(f"[data-match-row='{match.pk}']")).to_have_count(0)
    assert sorted(MatchFeedback.objects.values_list("side", "verdict", "reason", "comment")) == [
        (MatchSide.DEMAND, MatchVerdict.USEFUL, "", ""),
        (MatchSide.OFFER, MatchVerdict.NOT_RELEVANT, "region", "我们只服务成都本地企业"),
    ]
    page.reload()
    expect(page.locator(".match-inbox-empty")).to_be_visible()
