"""Amounts read the same way on every page: grouped with commas, in yuan, 万元/亿元 in Chinese headlines."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.templatetags.money import yuan, yuan_compact


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1200000.00"), "¥1,200,000"),
        (Decimal("1200000.50"), "¥1,200,000.50"),
        (Decimal("0"), "¥0"),
        (None, ""),
    ],
)
def test_amounts_are_grouped_whatever_the_language(value, shown):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert yuan(value) == shown


def test_headline_amounts_use_wan_and_yi_in_chinese():
    with translation.override("zh-hans"):
        assert yuan_compact(Decimal("28139250")) == "2,813.93万元"
        assert yuan_compact(Decimal("125000000")) == "1.25亿元"
        assert yuan_compact(Decimal("9500")) == "9,500元"


def test_headline_amounts_use_millions_in_english():
    with translation.override("en"):
        assert yuan_compact(Decimal("28139250")) == "¥28.14 million"
        assert yuan_compact(Decimal("9500")) == "¥9,500"
