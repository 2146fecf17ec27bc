"""A 成都 official's journey in a real browser: sign in, narrow the directory to their jurisdiction,
filter by county, open an institution they manage, and find that 绵阳's institutions are not theirs.
"""

import re

import pytest
from playwright.sync_api import expect

from institutions.choices import TransferLevel
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    # The live server sees only committed data.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]

PASSWORD = "Tianfu#2026"


@pytest.fixture
def network():
    jinjiang = factories.TransferInstitutionFactory(
        name="成都锦江技术转移中心", region=factories.region("510104")
    )
    pidu = factories.TransferInstitutionFactory(
        name="郫都区科技成果转化工作站",
        region=factories.region("510117"),
        transfer_level=TransferLevel.COUNTY,
        parent=jinjiang,
    )
    mianyang = factories.TransferInstitutionFactory(
        name="绵阳科技城技术转移中心", region=factories.region("510703")
    )
    official = factories.official_for("510100", username="chengdu-official", full_name="李成都")
    return {"jinjiang": jinjiang, "pidu": pidu, "mianyang": mianyang, "official": official}


def test_city_official_works_the_directory_of_their_jurisdiction(page, network):
    base = page.base_url

    # signs in
    page.goto(f"{base}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.fill("input[name=username]", "chengdu-official")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    expect(page.locator("body")).to_contain_text("李成都")

    # narrows the directory to their jurisdiction: 成都's institutions, not 绵阳's
    page.locator("[data-nav=supervision]").click()  # the officials' menu
    page.locator("a[href$='?scope=jurisdiction']").first.click()
    results = page.locator("#directory-results")
    expect(results).to_contain_text("成都锦江技术转移中心")
    expect(results).to_contain_text("郫都区科技成果转化工作站")
    expect(results).not_to_contain_text("绵阳科技城技术转移中心")
    screenshot(page, "official-jurisdiction")

    # filters by county: choosing the city loads its counties, choosing 郫都区 narrows the list
    page.select_option("select[name=city]", "510100")
    expect(page.locator("select[name=county] option[value='510117']")).to_have_count(1)
    page.select_option("select[name=county]", "510117")
    expect(results).not_to_contain_text("成都锦江技术转移中心")
    expect(results).to_contain_text("郫都区科技成果转化工作站")
    expect(page).to_have_url(re.compile(r"county=510117"))
    screenshot(page, "official-filtered")

    # opens the institution and may manage it
    results.get_by_role("link", name="郫都区科技成果转化工作站").first.click()
    expect(page.locator("h2, h1").first).to_contain_text("郫都区科技成果转化工作站")
    pidu = network["pidu"]
    expect(page.locator(f"a[href='/institutions/{pidu.pk}/edit/']")).to_be_visible()
    expect(page.locator(f"a.btn[href='/institutions/{pidu.pk}/designations/']")).to_be_visible()
    screenshot(page, "official-institution")

    # 绵阳's institution is public, but not theirs to manage
    mianyang = network["mianyang"]
    page.goto(f"{base}/institutions/{mianyang.pk}/")
    expect(page.locator("body")).to_contain_text("绵阳科技城技术转移中心")
    expect(page.locator(f"a[href='/institutions/{mianyang.pk}/edit/']")).to_have_count(0)
    response = page.goto(f"{base}/institutions/{mianyang.pk}/edit/")
    assert response.status == 403

    # switches the site to English
    page.goto(f"{base}/institutions/{pidu.pk}/")
    page.click("form.language-switcher button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/institutions/{pidu.pk}/$"))
    screenshot(page, "official-institution-en")
