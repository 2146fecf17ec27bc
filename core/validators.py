"""Validators every app's models, forms and serializers share: Chinese phone numbers, and dates and
years that cannot lie in the future; and ``collect_errors``, which runs several checks and reports all their
errors at once."""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# A mobile number (13x–19x, 11 digits), a landline with its area code (028-85405678, 0816-2345678, an
# optional extension after a dash), or a national service number (400-123-4567, 800…). Spaces and
# dashes inside a mobile number (138 0000 0000) are tolerated; the optional +86 / 0086 prefix too.
PHONE_PATTERN = re.compile(
    r"^(?:(?:\+|00)86[ -]?)?(?:"
    r"1[3-9]\d(?:[ -]?\d{4}){2}"
    r"|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?"
    r"|[48]00-?\d{3}-?\d{4}"
    r")$"
)


@deconstructible
class PhoneValidator(RegexValidator):
    regex = PHONE_PATTERN
    message = _("Enter a mobile number (13800000000) or a landline with its area code (028-85405678).")
    code = "invalid_phone"


validate_phone = PhoneValidator()


def is_phone(value) -> bool:
    """Whether ``value`` is a phone number ``validate_phone`` accepts (templates link only these)."""
    return isinstance(value, str) and PHONE_PATTERN.match(value.strip()) is not None


def validate_not_in_future(value) -> None:
    """Refuses a date after today (local time): a completion, grant, signing or performance date is
    something that has happened."""
    if value is None:
        return
    today = timezone.localdate()
    day = timezone.localtime(value).date() if hasattr(value, "hour") else value
    if day > today:
        raise ValidationError(
            _("This date cannot be in the future (today is %(today)s).") % {"today": today.isoformat()},
            code="date_in_future",
        )


def validate_year_not_in_future(value) -> None:
    """Refuses a year after the current one (local time): a title granted, a prize won, is a year that
    has come. A function, not ``MaxValueValidator(<this year>)``, so the limit moves with the clock and a
    migration names the function instead of freezing the year it was written in."""
    if value is None:
        return
    year = timezone.localdate().year
    if value > year:
        raise ValidationError(
            _("This year cannot be in the future (it is %(year)s now).") % {"year": year},
            code="year_in_future",
        )


def collect_errors(*checks: Callable[[], object]) -> None:
    """Runs every check and raises one ``ValidationError`` holding all their errors, so a form or an
    API client sees every problem at once instead of one per submit."""
    errors: dict = {}
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        # two checks may state the same rule (a service's and the model's): say it once
        raise ValidationError(
            {
                name: list({tuple(message.messages): message for message in messages}.values())
                for name, messages in errors.items()
            }
        )
