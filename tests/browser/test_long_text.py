"""Long texts and impatient clicks in a real browser: a textarea counts its characters against its
maximum, and a new filing's form clicked twice saves one draft."""

import re

import pytest
from playwright.sync_api import expect

from achievements.models import Achievement
from core import limits
from tests import factories
from tests.browser.test_filing_journey import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]


@pytest.fixture
def filer():
    institution = factories.TransferInstitutionFactory(
        name="四川大学技术转移中心", region=factories.region("510107")
    )
    return factories.staff_of(institution, username="scu-filer", full_name="王晓川")


def test_the_summary_counts_its_characters_and_a_double_click_saves_one_draft(page, filer):
    sign_in(page, "scu-filer")
    page.goto(f"{page.base_url}/achievements/new/")

    counter = page.locator("#id_summary-counter")
    expect(counter).to_have_text(f"已输入 0 / {limits.SUMMARY_MAX_LENGTH} 字")
    expect(counter).to_have_attribute("aria-live", "polite")
    page.fill("input[name=title]", "石墨烯改性锂离子电池负极材料制备技术")
    page.fill("textarea[name=summary]", "以石墨烯包覆纳米硅。")
    expect(counter).to_have_text(f"已输入 10 / {limits.SUMMARY_MAX_LENGTH} 字")

    page.dblclick("button[name=action][value=save]")

    expect(page).to_have_url(re.compile(r"/achievements/\d+/edit/1/$"))
    assert Achievement.objects.count() == 1
