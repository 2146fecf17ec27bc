"""The Content-Security-Policy in a real browser (issue 12, item 7): the pages that run the most script
work under it, and the browser reports no violation (conftest watches every page and fails on one).
The htmx filters, the ECharts chart and the API's Swagger UI and Redoc pages all still run."""

import re

import pytest
from playwright.sync_api import expect

from achievements.choices import CooperationMode
from tests import factories
from tests.market import factories as market_factories

pytestmark = [
    pytest.mark.browser,
    # The live server sees only committed data.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_tables"),
]


@pytest.fixture
def listings():
    institution = factories.TransferInstitutionFactory(
        name="成都锦江技术转移中心", region=factories.region("510104")
    )
    staff = factories.staff_of(institution, username="csp-seller")
    market_factories.listing(institution, staff, title="高安全锂离子电池硅碳负极材料制备技术")
    market_factories.listing(
        institution,
        staff,
        title="工业机器人视觉检测技术服务",
        transaction_mode=CooperationMode.TECHNICAL_SERVICE,
    )


def test_the_browser_enforces_the_policy_and_reports_an_inline_script(page):
    response = page.goto(f"{page.base_url}/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    ran = page.evaluate(
        """() => { const script = document.createElement("script");
                   script.textContent = "window.inlineScriptRan = true;";
                   document.body.append(script);
                   return window.inlineScriptRan === true; }"""
    )
    expect(page.locator("body")).to_be_visible()

    assert ran is False
    for _attempt in range(20):  # the console message arrives a moment after the refusal
        if page.csp_violations:
            break
        page.wait_for_timeout(100)
    assert len(page.csp_violations) == 1
    assert "Executing inline script violates" in page.csp_violations[0]
    page.csp_violations.clear()  # the watcher works; the test itself must end without violations


def test_htmx_filters_the_market_under_the_policy(page, listings):
    page.goto(f"{page.base_url}/market/listings/")
    results = page.locator("#listing-results")
    expect(results).to_contain_text("高安全锂离子电池硅碳负极材料制备技术")

    page.select_option("select[name=transaction_mode]", "technical_service")

    expect(page).to_have_url(re.compile(r"transaction_mode=technical_service"))
    expect(results).not_to_contain_text("高安全锂离子电池硅碳负极材料制备技术")
    expect(results).to_contain_text("工业机器人视觉检测技术服务")
    assert page.csp_violations == []


def test_the_network_chart_draws_under_the_policy(page, listings):
    page.goto(f"{page.base_url}/institutions/network/")
    chart = page.locator("[data-chart=network]")

    expect(chart.locator("svg")).to_have_count(1)
    chart.hover()  # the tooltip, which ECharts builds as HTML
    expect(page.locator("[data-chart=network] svg text").first).to_be_visible()
    assert page.csp_violations == []


def test_the_swagger_ui_runs_under_the_policy(page):
    page.goto(f"{page.base_url}/api/docs/")

    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=60_000)  # a large schema
    expect(page.locator(".swagger-ui .title")).to_contain_text("API")
    assert page.csp_violations == []


def test_redoc_runs_under_the_policy(page):
    page.goto(f"{page.base_url}/api/redoc/")

    expect(page.locator("h1").first).to_contain_text(
        "API", timeout=60_000
    )  # a large schema on a slow machine
    assert page.csp_violations == []
