"""The shared validators: phone numbers, dates that cannot lie in the future, all errors at once."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.templatetags.ui import phone_link
from core.validators import collect_errors, is_phone, validate_not_in_future, validate_phone

VALID_PHONES = [
    "13800000000",
    "19912345678",
    "138 0000 0000",
    "+86 13800000000",
    "028-85405678",
    "02885405678",
    "0816-2345678",
    "028-85405678-801",
    "400-123-4567",
]
INVALID_PHONES = [
    "abc",
    "12800000000",
    "1380000000",
    "85405678",
    "028-854",
    "tel:028-85405678",
    "javascript:1",
]


@pytest.mark.parametrize("number", VALID_PHONES)
def test_mobile_and_landline_numbers_with_an_area_code_are_accepted(number):
    validate_phone(number)

    assert is_phone(number) is True


@pytest.mark.parametrize("number", INVALID_PHONES)
def test_anything_else_is_refused_with_a_clear_message(number):
    with pytest.raises(ValidationError) as caught:
        validate_phone(number)

    assert caught.value.code == "invalid_phone"
    assert is_phone(number) is False


def test_a_valid_phone_is_a_tel_link_and_an_invalid_one_plain_text():
    assert phone_link("028-85405678") == '<a href="tel:028-85405678">028-85405678</a>'
    assert phone_link("138 0000 0000") == '<a href="tel:13800000000">138 0000 0000</a>'
    assert phone_link("abc<b>") == "abc&lt;b&gt;"
    assert phone_link("") == ""


@time_machine.travel(datetime(2026, 6, 1, 23, 30, tzinfo=timezone.get_fixed_timezone(8 * 60)), tick=False)
def test_a_date_up_to_today_local_time_is_accepted():
    validate_not_in_future(date(2026, 6, 1))
    validate_not_in_future(date(2020, 1, 1))
    validate_not_in_future(None)


@time_machine.travel(datetime(2026, 6, 1, 23, 30, tzinfo=timezone.get_fixed_timezone(8 * 60)), tick=False)
def test_a_date_after_today_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_not_in_future(date(2026, 6, 2))

    assert caught.value.code == "date_in_future"


def test_collect_errors_reports_every_failed_check_at_once():
    def price():
        raise ValidationError({"price_max": "below the lowest"})

    def period():
        raise ValidationError({"listed_until": "too far"})

    def whole():
        raise ValidationError("not editable")

    with pytest.raises(ValidationError) as caught:
        collect_errors(price, lambda: None, period, whole)

    assert {name: [str(m) for m in messages] for name, messages in caught.value.message_dict.items()} == {
        "price_max": ["below the lowest"],
        "listed_until": ["too far"],
        "__all__": ["not editable"],
    }
