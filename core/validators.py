"""Validators every app's models, forms and serializers share: Chinese phone numbers, dates and years
that cannot lie in the future, what characters a typed text may hold (``validate_single_line``,
``validate_text``); and ``collect_errors``, which runs several checks and reports all their errors at
once."""

import re
import unicodedata
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
    r")\Z"
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


# --- What a typed text may hold ---------------------------------------------------------------------
#
# A one-line text (a title, a name, an address) holds no line break and no control character: a title
# with a line break made the notification e-mail fail (``BadHeaderError``), and a tab or an escape
# character is never meant. No text holds a character that overrides or isolates the direction of the
# text around it (U+202A–U+202E, U+2066–U+2069): shown in a list, a message or a file name, it makes
# text read other than it is stored ("invoice‮fdp.exe"). The direction marks LRM, RLM and ALM (U+200E,
# U+200F, U+061C) are allowed: they set the direction of one neutral character, as mixed Chinese,
# English and Arabic text legitimately needs. Lone surrogates (which a JSON body can carry) cannot be
# stored as UTF-8, so no text holds one either.

DIRECTION_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Line breaks other than the control characters: NEL is a control (Cc); these two are not.
_LINE_SEPARATORS = frozenset("\u2028\u2029")
# The control characters a multi-line text may hold.
_TEXT_CONTROLS = frozenset("\t\n\r")

TEXT_MESSAGES = {
    "not_single_line": _(
        "Write this on one line: it holds a line break, a tab or another control character (%(character)s)."
    ),
    "control_character": _("This text holds an invisible control character (%(character)s); remove it."),
    "direction_override": _(
        "This text holds an invisible character that changes the direction of the text around it "
        "(%(character)s); remove it."
    ),
}


def _code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


def _problem(character: str, *, single_line: bool) -> str | None:
    """Why ``character`` may not be in a text (a code of ``TEXT_MESSAGES``), or None."""
    if character in DIRECTION_OVERRIDES:
        return "direction_override"
    category = unicodedata.category(character)
    if category == "Cs":
        return "control_character"
    if single_line and (category == "Cc" or character in _LINE_SEPARATORS):
        return "not_single_line"
    if category == "Cc" and character not in _TEXT_CONTROLS:
        return "control_character"
    return None


def text_problem(value: str, *, single_line: bool) -> tuple[str, str] | None:
    """The first character ``value`` may not hold and why (a code of ``TEXT_MESSAGES``), or None."""
    for character in value:
        # the common case, printable ASCII, is decided without a lookup
        if " " <= character <= "~":
            continue
        code = _problem(character, single_line=single_line)
        if code is not None:
            return code, _code_point(character)
    return None


def _validate(value, *, single_line: bool) -> None:
    if not isinstance(value, str):
        return
    problem = text_problem(value, single_line=single_line)
    if problem is not None:
        code, character = problem
        raise ValidationError(TEXT_MESSAGES[code], code=code, params={"character": character})


def validate_single_line(value) -> None:
    """Refuses a line break (CR, LF, VT, FF, NEL, U+2028, U+2029), a tab or any other control
    character, and a direction override or isolate: for titles, names, addresses and other one-line
    texts."""
    _validate(value, single_line=True)


def validate_text(value) -> None:
    """Refuses, in a text of several lines, a direction override or isolate and a control character
    other than tab, line feed and carriage return (NUL, escape, form feed…)."""
    _validate(value, single_line=False)


_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029\t]+")


def single_line(value: str) -> str:
    """``value`` made into one clean line: line breaks and tabs become a space, other control
    characters and direction overrides are dropped. For a line the platform composes around a person's
    text (a notification's title, an e-mail subject), which is shortened or cleaned, never refused."""
    value = _LINE_BREAKS.sub(" ", value)
    return "".join(character for character in value if text_problem(character, single_line=True) is None)
