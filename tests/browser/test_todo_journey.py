"""An official's to-do page in a real browser: sign in, see the badge, open the page and follow a filing
waiting for review to the filing itself."""

import re

import pytest
from playwright.sync_api import expect

from achievements.services import filings as achievement_services
from tests import factories
from tests.achievements.factories import draft
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    # The live server sees only committed data.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

PASSWORD = "Tianfu#2026"


@pytest.fixture
def filing():
    institution = factories.TransferInstitutionFactory(
        name="成都锦江技术转移中心", region=factories.region("510104")
    )
    staff = factories.staff_of(institution, username="jinjiang-staff")
    factories.official_for("510100", username="chengdu-official", full_name="李成都")
    return achievement_services.achievement_submit(
        actor=staff, achievement=draft(staff, institution, title="智能电网故障诊断系统")
    )


def test_an_official_follows_the_badge_to_a_filing_to_review(page, filing):
    base = page.base_url

    # signs in and sees one thing waiting
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "chengdu-official")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    expect(page.locator("body")).to_contain_text("李成都")
    expect(page.locator("[data-todo-count]")).to_have_text("1")

    # opens the to-do page from the badge
    page.locator("[data-nav=todo]").click()
    expect(page).to_have_url(re.compile(r"/todo/$"))
    expect(page.locator("h1")).to_contain_text("待办")
    section = page.locator("[data-todo-section=filings_to_review]")
    expect(section.locator("[data-section-count]")).to_have_text("1")
    expect(section.locator("[data-todo-queue]")).to_have_attribute("href", "/achievements/review/")
    screenshot(page, "todo-official")

    # follows the filing to review it
    section.get_by_role("link", name=re.compile("智能电网故障诊断系统")).click()
    expect(page).to_have_url(re.compile(rf"/achievements/{filing.pk}/$"))
    expect(page.locator("h1, h2").first).to_contain_text("智能电网故障诊断系统")
    expect(page.locator(f"form[action='/achievements/{filing.pk}/approve/']")).to_have_count(1)
