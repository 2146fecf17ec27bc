"""The filing journey in a real browser: institution staff file an achievement with a patent, a city
official returns it with a reason, staff fix it and resubmit, the official approves, and a visitor
finds it by a Chinese search.
"""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

PASSWORD = "Tianfu#2026"
TITLE = "石墨烯改性锂离子电池负极材料制备技术"


@pytest.fixture
def people():
    institution = factories.TransferInstitutionFactory(
        name="四川大学技术转移中心", region=factories.region("510107")
    )
    staff = factories.staff_of(institution, username="scu-filer", full_name="王晓川")
    official = factories.official_for("510100", username="chengdu-reviewer", full_name="李审核")
    return {"institution": institution, "staff": staff, "official": official}


def sign_in(page, username: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    expect(page.locator("form[action='/accounts/login/']")).to_have_count(0)


def sign_out(page) -> None:
    page.context.clear_cookies()


def save_and_continue(page) -> None:
    page.click("button[name=action][value=continue]")


def test_a_filing_is_returned_fixed_approved_and_found(page, people):
    base = page.base_url

    # staff start a filing and walk the steps
    sign_in(page, "scu-filer")
    page.goto(f"{base}/achievements/new/")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=summary]", "以石墨烯包覆纳米硅，显著提升锂电池负极的循环寿命，已完成中试验证。")
    page.fill("input[name=keywords]", "石墨烯、锂离子电池、负极材料")
    save_and_continue(page)

    expect(page).to_have_url(re.compile(r"/achievements/\d+/edit/2/$"))
    filing_url = re.search(r"/achievements/(\d+)/", page.url)
    pk = filing_url.group(1)
    page.select_option("select[name=technology_field]", label="新材料及其应用")
    page.select_option("select[name=trl]", "6")
    save_and_continue(page)

    page.check("input[name=cooperation_modes][value=transfer]")
    save_and_continue(page)

    # owners: the institution itself, 100 %
    expect(page).to_have_url(re.compile(rf"/achievements/{pk}/edit/4/$"))
    owner = page.locator("input[name$='-organisation']").first
    if not owner.input_value():
        owner.fill("四川大学技术转移中心")
        page.locator("input[name$='-share_percent']").first.fill("100")
    save_and_continue(page)

    # a patent with a wrong check character is refused next to the field, then the right one is kept
    expect(page).to_have_url(re.compile(rf"/achievements/{pk}/edit/5/$"))
    page.select_option("select[name=kind]", "invention_patent")
    page.fill("input[name=number]", "ZL202310123456.7")
    page.click("button[name=action][value=save]")
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    page.select_option("select[name=kind]", "invention_patent")
    page.fill("input[name=number]", "ZL202310123456.6")
    save_and_continue(page)
    save_and_continue(page)  # attachments: none

    expect(page).to_have_url(re.compile(rf"/achievements/{pk}/edit/7/$"))
    expect(page.locator("body")).to_contain_text("ZL202310123456.6")
    screenshot(page, "filing-review-step")
    page.click(f"form[action='/achievements/{pk}/submit/'] button[type=submit]")
    expect(page.locator("body")).to_contain_text(TITLE)
    sign_out(page)

    # the official returns it with a reason
    sign_in(page, "chengdu-reviewer")
    page.goto(f"{base}/achievements/review/")
    page.get_by_role("link", name=TITLE).first.click()
    page.fill(
        f"form[action='/achievements/{pk}/return/'] textarea[name=reason]", "请补充中试规模与循环寿命数据。"
    )
    page.click(f"form[action='/achievements/{pk}/return/'] button[type=submit]")
    expect(page.locator("body")).to_contain_text("请补充中试规模与循环寿命数据。")
    sign_out(page)

    # staff see the reason, fix the filing and resubmit
    sign_in(page, "scu-filer")
    page.goto(f"{base}/achievements/{pk}/")
    expect(page.locator(".return-reason")).to_contain_text("请补充中试规模与循环寿命数据。")
    page.goto(f"{base}/achievements/{pk}/edit/1/")
    page.fill("textarea[name=detail]", "中试规模：年产50吨；1000次循环容量保持率92%。")
    page.click("button[name=action][value=save]")
    page.goto(f"{base}/achievements/{pk}/edit/7/")
    page.click(f"form[action='/achievements/{pk}/submit/'] button[type=submit]")
    sign_out(page)

    # the official approves; the filing is published with a filing number
    sign_in(page, "chengdu-reviewer")
    page.goto(f"{base}/achievements/{pk}/")
    page.click(f"form[action='/achievements/{pk}/approve/'] button[type=submit]")
    expect(page.locator("body")).to_contain_text(re.compile(r"510107\d{9}"))
    sign_out(page)

    # a visitor finds it by a Chinese search
    page.goto(f"{base}/achievements/?q=石墨烯电池")
    results = page.locator("#achievement-results, main").first
    expect(results).to_contain_text(TITLE)
    screenshot(page, "filing-found-by-visitor")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.locator("body")).to_contain_text("ZL202310123456.6")
