"""The registration form's code fields and the JJ-001 code lists institutions loads from their dated
files (institutions/data/jj001_*.csv) say the same thing."""

import pytest

from institutions import codes as institution_codes
from market import codes
from market.choices import CONTRACT_IP_TYPES

pytestmark = pytest.mark.django_db


def test_the_forms_ip_types_are_the_jj001_code_list():
    listed = [code for code, _label in institution_codes.code_choices("contract_ip_type")]

    assert sorted(listed) == sorted(code for code, _label in CONTRACT_IP_TYPES)


@pytest.mark.parametrize(
    ("scheme", "code"),
    [
        (codes.COUNTRY, "142"),
        (codes.COUNTRY, "502"),
        (codes.ENTITY_TYPE, "400"),
        (codes.PLAN_CATEGORY, "1"),
        (codes.SOCIO_ECONOMIC_GOAL, "01"),
        (codes.TRADE_SUBJECT, "1"),
        (codes.REGION, "310104"),
        (codes.REGION, "510104"),
    ],
)
def test_each_code_list_the_form_uses_is_loaded(scheme, code):
    assert codes.code_is_valid(scheme, code)


@pytest.mark.parametrize(
    ("scheme", "code"),
    [(codes.COUNTRY, "999"), (codes.PLAN_CATEGORY, "9"), (codes.REGION, "519999"), (codes.REGION, "")],
)
def test_codes_outside_the_lists_are_refused(scheme, code):
    assert not codes.code_is_valid(scheme, code)
