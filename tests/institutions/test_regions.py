"""Sichuan's administrative divisions (the platform's own) are loaded from the committed GB/T 2260 table,
with the rest of China's beside them (tests/institutions/test_codes.py)."""

import pytest

from institutions.choices import RegionLevel
from institutions.models import Region
from institutions.policies import jurisdiction_prefix

pytestmark = pytest.mark.django_db


def test_sichuan_has_one_province_21_cities_and_183_counties():
    assert Region.objects.home().filter(level=RegionLevel.PROVINCE).count() == 1
    assert Region.objects.home().cities().count() == 21
    assert Region.objects.home().counties().count() == 183


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("510000", "四川省"),
        ("510100", "成都市"),
        ("510600", "德阳市"),
        ("510700", "绵阳市"),
        ("513400", "凉山彝族自治州"),
        ("510117", "郫都区"),
        ("510118", "新津区"),
    ],
)
def test_sample_regions_carry_their_official_names(code, name):
    assert Region.objects.get(code=code).name == name


def test_every_city_belongs_to_the_province_and_every_county_to_a_city():
    assert set(Region.objects.home().cities().values_list("parent_id", flat=True)) == {"510000"}
    county_parents = set(Region.objects.counties().values_list("parent__level", flat=True))
    assert county_parents == {RegionLevel.CITY}


def test_jurisdiction_of_a_city_covers_its_counties_only():
    chengdu = Region.objects.get(code="510100")
    assert Region.objects.within(chengdu).count() == 1 + Region.objects.filter(parent=chengdu).count()
    assert chengdu.covers("510104")
    assert not chengdu.covers("510703")


@pytest.mark.parametrize(
    ("code", "prefix"),
    [
        ("510000", "51"),
        ("510100", "5101"),
        ("513400", "5134"),
        ("510104", "510104"),
        ("5101", None),
        ("", None),
    ],
)
def test_jurisdiction_prefix_follows_the_code_structure(code, prefix):
    assert jurisdiction_prefix(code) == prefix
