"""A 成都 official reads the audit log in a real browser: filters by object type and date range and
reads who changed which field of which institution, in words and local time, not ids and vectors."""

import re
from datetime import timedelta

import pghistory
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from institutions import services
from institutions.models import AuditEvent
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
def history():
    jinjiang = factories.TransferInstitutionFactory(
        name="成都锦江技术转移中心", region=factories.region("510104")
    )
    official = factories.official_for("510100", username="chengdu-official", full_name="李成都")
    with pghistory.context(user=official.pk, ip="10.8.0.7", request_id="req-audit-journey"):
        services.organisation_update(
            actor=official,
            organisation=jinjiang,
            data={"address": "锦江区红星路二段", "region": factories.region("510107")},
        )
    change = AuditEvent.objects.filter(pgh_obj_model="institutions.Organisation", pgh_label="update").get()
    return {"official": official, "at": timezone.localtime(change.pgh_created_at)}


def test_an_official_filters_the_audit_log_and_reads_it(page, history):
    base = page.base_url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "chengdu-official")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    expect(page.locator("body")).to_contain_text("李成都")

    # filters the log: institutions changed on the day of the change
    page.goto(f"{base}/audit/")
    page.select_option("select[name=object_type]", "institutions.Organisation")
    day = history["at"].date().isoformat()
    page.fill("input[name=date_from]", day)
    page.fill("input[name=date_to]", day)
    page.locator(".audit-filters button[type=submit]").click()

    # one entry for the edit, readable: labels, names, local time, the actor's name
    entries = page.locator("tr.audit-entry")
    edit = entries.filter(has_text="修改")
    expect(edit).to_have_count(1)
    expect(edit).to_contain_text("成都锦江技术转移中心")
    expect(edit).to_contain_text("地址")
    expect(edit).to_contain_text("锦江区红星路二段")
    expect(edit).to_contain_text("锦江区")
    expect(edit).to_contain_text("武侯区")
    expect(edit).to_contain_text("李成都")
    expect(edit).to_contain_text(history["at"].strftime("%Y-%m-%d %H:%M"))
    expect(page.locator("main")).not_to_contain_text("search vector")
    # the export carries the same filters
    export = page.locator(".audit-export")
    expect(export).to_have_attribute("href", re.compile(r"object_type=institutions\.Organisation"))
    expect(export).to_have_attribute("href", re.compile(f"date_from={day}&date_to={day}"))
    screenshot(page, "official-audit-log")

    # the day before holds nothing
    page.fill("input[name=date_from]", (history["at"].date() - timedelta(days=1)).isoformat())
    page.fill("input[name=date_to]", (history["at"].date() - timedelta(days=1)).isoformat())
    page.locator(".audit-filters button[type=submit]").click()
    expect(page.locator("tr.audit-entry")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("没有符合筛选条件的记录。")
