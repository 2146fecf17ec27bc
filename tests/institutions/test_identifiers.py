"""统一社会信用代码 checks (GB 32100-2015), including what python-stdnum gets wrong (DOMAIN.md §7.1)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from institutions.identifiers import (
    ALPHABET,
    check_credit_code,
    is_valid_credit_code,
    make_credit_code,
    organisation_code_check_digit,
)
from institutions.models import validate_credit_code


def test_a_real_code_is_valid():
    assert is_valid_credit_code("91110108551385082Q")


def test_a_letter_first_code_is_valid_although_stdnum_rejects_it():
    assert not uscc.is_valid("N2510100MA6C00017U")
    assert is_valid_credit_code("N2510100MA6C00017U")


def test_a_wrong_embedded_organisation_code_is_caught_although_stdnum_accepts_it():
    assert uscc.is_valid("91510100123456780W")
    result = check_credit_code("91510100123456780W")
    assert result.error is None
    assert result.organisation_code_valid is False
    assert organisation_code_check_digit("12345678") == "8"
    assert not is_valid_credit_code("91510100123456780W")
    assert is_valid_credit_code("91510100123456780W", require_organisation_code=False)


def test_the_worked_examples_of_the_domain_reference():
    assert uscc.calc_check_digit("91110108551385082") == "Q"
    assert organisation_code_check_digit("55138508") == "2"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9111010855138508", "credit_code_length"),
        ("91110108551385082QQ", "credit_code_length"),
        ("9I110108551385082Q", "credit_code_format"),
        ("B1110108551385082Q", "credit_code_format"),
        ("91110108551385082R", "credit_code_checksum"),
        ("91510100123456780W", "credit_code_organisation_code"),
    ],
)
def test_each_kind_of_mistake_gets_its_own_message(value, code):
    with pytest.raises(ValidationError) as raised:
        validate_credit_code(value)
    assert raised.value.code == code


def test_lower_case_and_spaces_are_tolerated_by_compacting():
    assert is_valid_credit_code("9111 0108 5513 8508 2q".upper())


body = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
prefix = st.tuples(
    st.sampled_from("1256789ANY"), st.sampled_from("1239"), st.sampled_from(["510100", "510700", "513400"])
)


@given(prefix=prefix, body=body)
def test_generated_codes_are_valid_and_any_single_change_is_caught(prefix, body):
    code = make_credit_code("".join(prefix), body)
    assert is_valid_credit_code(code)
    last = code[-1]
    wrong = ALPHABET[(ALPHABET.index(last) + 1) % len(ALPHABET)]
    assert not is_valid_credit_code(code[:-1] + wrong)
