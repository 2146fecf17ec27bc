"""The main journeys on a phone (issue 11): at 390×844 no page scrolls sideways. Tables scroll inside
their card (the shared ``.table-responsive`` wrapper of site.css) instead of squeezing names to one
character a line or pushing amounts off the screen. Every page is also checked by axe-core (conftest).
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from market.choices import DealStatus, ListingStatus
from tests import factories
from tests.achievements.factories import published
from tests.browser.conftest import screenshot
from tests.market import factories as market_factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

PASSWORD = "Tianfu#2026"
# names as long as the demo's, which wrapped one character a line in the disclosure tables
SELLER = "中国科学院成都有机化学研究所技术转移与成果转化中心"
BUYERS = ["四川省德阳东方电气智能装备制造股份有限公司", "绵阳长虹新能源电池科技有限责任公司"]
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length)
    .filter(e => !e.closest('.table-responsive, .visually-hidden, .visually-hidden-focusable'))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'))"""


@pytest.fixture
def market():
    institution = factories.TransferInstitutionFactory(name=SELLER, region=factories.region("510107"))
    seller = factories.staff_of(institution, username="phone-seller", full_name="王晓川")
    official = factories.official_for("510100", username="phone-official", full_name="李审核")
    achievement = published(seller, official, institution)
    listing = market_factories.listing(institution, seller, achievement=achievement)
    market_factories.listing(
        institution, seller, status=ListingStatus.PUBLICITY, title="面向高端装备的激光熔覆再制造技术"
    )
    for number in range(1, 21):  # a second page: the pagination is on the phone too
        market_factories.listing(institution, seller, title=f"硅碳负极材料中试工艺包（第{number}批）")
    body = market_factories.registration_body("510100")
    market_factories.registrar_of(body, "phone-registrar")

    today = timezone.localdate()
    contracts = []
    for serial, buyer_name in enumerate(BUYERS, start=1):
        buyer = market_factories.enterprise(buyer_name, "510603")
        demand = market_factories.demand(buyer, factories.staff_of(buyer, username=f"phone-buyer-{serial}"))
        deal = market_factories.deal(
            institution, buyer, seller, status=DealStatus.REGISTERED, listing_record=listing
        )
        contracts.append(
            market_factories.contract(
                deal,
                registration_body=body,
                submitted_at=timezone.now() - timedelta(days=10),
                registered_at=timezone.now() - timedelta(days=2),
                registration_number=f"20265101000000{serial:02d}",
                disclosure_starts_on=today - timedelta(days=2),
                disclosure_ends_on=today + timedelta(days=28),
            )
        )
    waiting = market_factories.deal(
        institution, buyer, seller, status=DealStatus.SUBMITTED, title="智能焊接工艺包许可"
    )
    submitted = market_factories.contract(
        waiting, registration_body=body, submitted_at=timezone.now(), due_on=today + timedelta(days=30)
    )
    return {
        "institution": institution,
        "achievement": achievement,
        "listing": listing,
        "demand": demand,
        "disclosed": contracts[0],
        "deal": deal,
        "submitted": submitted,
    }


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    expect(page.locator("form[action='/accounts/login/']")).to_have_count(0)


def assert_fits(page, path: str) -> None:
    page.goto(f"{page.base_url}{path}")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[1] == 390
    assert widths[0] <= widths[1], f"{path} scrolls sideways ({widths}): {page.evaluate(WIDE_ELEMENTS)}"


def test_no_page_of_the_main_journeys_scrolls_sideways_on_a_phone(phone, market):
    # a visitor
    for path in [
        "/",
        "/market/",
        "/market/listings/",
        f"/market/listings/{market['listing'].pk}/",
        "/market/demands/",
        f"/market/demands/{market['demand'].pk}/",
        "/market/disclosures/",
        f"/market/disclosures/{market['disclosed'].pk}/",
        "/achievements/",
        f"/achievements/{market['achievement'].pk}/",
        "/institutions/",
        f"/institutions/{market['institution'].pk}/",
        "/institutions/network/",
    ]:
        assert_fits(phone, path)
        if path in ("/market/", "/market/disclosures/"):
            # the disclosure table scrolls inside its card, with the names on readable lines
            seller = phone.locator(".table-responsive td", has_text=SELLER).first
            expect(seller).to_be_visible()
            screenshot(phone, "phone" + path.replace("/", "-").rstrip("-"))
            assert seller.bounding_box()["width"] >= 96  # six characters or more a line

    # the seller's pages
    sign_in(phone, "phone-seller")
    for path in [
        "/achievements/mine/",
        "/market/listings/mine/",
        "/market/deals/",
        f"/market/deals/{market['deal'].pk}/",
        f"/market/contracts/{market['disclosed'].pk}/",
        f"/market/contracts/{market['disclosed'].pk}/certificate/",
    ]:
        assert_fits(phone, path)

    # the registrar's queue
    sign_in(phone, "phone-registrar")
    for path in ["/market/registration/", f"/market/contracts/{market['submitted'].pk}/"]:
        assert_fits(phone, path)
    screenshot(phone, "phone-registration-queue")
