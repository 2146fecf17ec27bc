"""The suggestions for a contract party's region code: regions of all China by code or name."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/institutions/regions/"


def options(**query) -> str:
    return Client().get(URL, query).content.decode()


def test_a_place_name_suggests_its_regions_of_any_province():
    content = options(buyer_region_code="徐汇")

    assert '<option value="310104">上海市 徐汇区</option>' in content


def test_a_code_prefix_suggests_at_most_twenty_regions():
    content = options(buyer_region_code="51")

    assert content.count("<option") == 20
    assert 'value="510000"' in content


def test_nothing_typed_suggests_nothing():
    assert "<option" not in options(buyer_region_code="  ")
    assert "<option" not in options()


def test_the_suggestions_cost_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        Client().get(URL, {"q": "成都"})
