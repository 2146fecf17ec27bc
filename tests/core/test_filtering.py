"""``core.filtering.apply_filterset``: the one way selectors apply a FilterSet."""

import pytest

from core.filtering import apply_filterset
from institutions.filters import RegionFilterSet
from institutions.models import Region

pytestmark = pytest.mark.django_db


def test_no_filters_leave_the_queryset_as_it_is():
    queryset = Region.objects.all()

    assert apply_filterset(queryset, RegionFilterSet, None) is queryset


def test_valid_filters_narrow_the_rows():
    # given the reference regions of Sichuan
    # when filtering by the parent 成都市
    codes = set(
        apply_filterset(Region.objects.all(), RegionFilterSet, {"parent": "510100"}).values_list(
            "code", flat=True
        )
    )

    # then exactly 成都's districts and counties are left, 锦江区 among them
    assert codes == set(Region.objects.filter(parent_id="510100").values_list("code", flat=True))
    assert "510104" in codes
    assert all(code.startswith("5101") and code != "510100" for code in codes)


def test_an_invalid_filter_value_gives_no_rows_not_every_row():
    assert list(apply_filterset(Region.objects.all(), RegionFilterSet, {"level": "galaxy"})) == []
