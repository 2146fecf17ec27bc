"""Furniture every page shares: the one countdown wording (``ui.days_left``) and the footer's operator,
contact and ICP lines from the settings, hidden while empty."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

from core.templatetags.ui import days_left

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("end", "chinese", "english"),
    [
        (date(2026, 3, 15), "剩余 13 天", "13 days left"),
        (date(2026, 3, 3), "剩余 1 天", "1 day left"),
        (date(2026, 3, 2), "今日截止", "Ends today"),
        (date(2026, 3, 1), "已结束", "Ended"),
        # a moment late on the last day in Beijing is still that day, though it is the previous one in UTC
        (datetime(2026, 3, 15, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai")), "剩余 13 天", "13 days left"),
        (None, "", ""),
    ],
)
def test_a_countdown_is_in_whole_days(end, chinese, english):
    with translation.override("zh-hans"):
        assert days_left(end, TODAY) == chinese
    with translation.override("en"):
        assert days_left(end, TODAY) == english


def page(path: str = "/") -> str:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client.get(path).content.decode()


@pytest.mark.django_db
@override_settings(
    SITE_OPERATOR="国家技术转移西南中心（四川省技术转移中心）",
    SITE_CONTACT="服务热线 028-85000000",
    SITE_ICP="蜀ICP备12345678号-1",
)
def test_the_footer_names_the_operator_with_a_contact_and_the_icp_filing():
    html = page()

    assert (
        '<div class="text-secondary small" data-footer="operator">运营单位：国家技术转移西南中心（四川省技术转移中心）</div>'
        in html
    )
    assert (
        '<div class="text-secondary small" data-footer="contact">联系方式：服务热线 028-85000000</div>'
        in html
    )
    assert (
        'href="https://beian.miit.gov.cn/" rel="noopener noreferrer" target="_blank">蜀ICP备12345678号-1</a>'
        in html
    )


@pytest.mark.django_db
@override_settings(SITE_OPERATOR="", SITE_CONTACT="", SITE_ICP="")
def test_empty_settings_hide_the_footer_lines():
    html = page()

    assert "data-footer=" not in html
    assert "beian.miit.gov.cn" not in html
