"""Separation of duties in a real browser (issue 12, item 1): the 成都 official tries to add himself to
an institution he supervises and is refused with a readable reason next to the form; made its staff by
its administrator, he finds no review panel on the filing his institution submitted, only the reason,
while an independent official is offered it."""

import pytest
from playwright.sync_api import expect

from achievements.services import filings as filing_services
from institutions import services as institution_services
from institutions.choices import MembershipRole
from institutions.models import Membership
from tests import factories
from tests.achievements import factories as achievement_factories
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    # The live server sees only committed data.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

PASSWORD = "Tianfu#2026"
SELF_GRANT = "您不能为自己授予成员资格或变更自己的角色；须由其他管理员或主管部门人员办理。"
OWN_ORGANISATION = "此事项由您所属的机构提交，您不能审核、批准或登记；须由其他主管部门人员决定。"


@pytest.fixture
def people():
    centre = factories.TransferInstitutionFactory(
        name="四川大学技术转移中心", region=factories.region("510107")
    )
    admin = factories.admin_of(centre, username="scu-admin", full_name="王管理")
    staff = factories.staff_of(centre, username="scu-staff", full_name="赵填报")
    official = factories.official_for("510100", username="chengdu-official", full_name="李成都")
    colleague = factories.official_for("510100", username="chengdu-colleague", full_name="陈同事")
    return {"centre": centre, "admin": admin, "staff": staff, "official": official, "colleague": colleague}


def sign_in(page, username: str, name: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    expect(page.locator("body")).to_contain_text(name)


def test_an_official_cannot_add_himself_nor_approve_his_own_institutions_filing(page, browser, people):
    centre, official = people["centre"], people["official"]

    # he tries to add himself as staff of the centre he supervises: refused, with the reason
    sign_in(page, "chengdu-official", "李成都")
    page.goto(f"{page.base_url}/institutions/{centre.pk}/members/")
    page.fill("input[name=username]", "chengdu-official")
    page.select_option("select[name=role]", MembershipRole.STAFF)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    expect(page.locator("body")).to_contain_text(SELF_GRANT)
    screenshot(page, "separation-self-grant")
    assert not Membership.objects.filter(user=official, organisation=centre).exists()

    # the centre's administrator makes him staff; its staff file and submit an achievement
    institution_services.membership_add(
        actor=people["admin"], organisation=centre, user=official, role=MembershipRole.STAFF
    )
    achievement = achievement_factories.draft(people["staff"], centre, title="高安全锂离子电池硅碳负极材料")
    filing_services.achievement_submit(actor=people["staff"], achievement=achievement)

    # on the filing his institution submitted he finds no review panel, only the reason
    page.goto(f"{page.base_url}/achievements/{achievement.pk}/")
    expect(page.locator("body")).to_contain_text("高安全锂离子电池硅碳负极材料")
    expect(page.locator(".review-refusal")).to_contain_text(OWN_ORGANISATION)
    expect(page.locator(".review-card")).to_have_count(0)
    expect(page.locator(f"form[action='/achievements/{achievement.pk}/approve/']")).to_have_count(0)
    screenshot(page, "separation-own-filing")

    # his colleague, who is not a member of the centre, is offered the review
    context = browser.new_context(locale="zh-CN")
    colleague_page = context.new_page()
    colleague_page.base_url = page.base_url
    sign_in(colleague_page, "chengdu-colleague", "陈同事")
    colleague_page.goto(f"{page.base_url}/achievements/{achievement.pk}/")
    expect(colleague_page.locator(".review-card")).to_have_count(1)
    expect(colleague_page.locator(".review-refusal")).to_have_count(0)
    context.close()
