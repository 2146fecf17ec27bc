"""统一社会信用代码 (GB 32100-2015) checks, wrapping python-stdnum (DOMAIN.md §7.1).

``stdnum.cn.uscc`` computes the check character correctly but rejects codes whose first character
is a letter (A 军队, N 农业, Y 其他 registration authorities) and skips the check digit of the
embedded organisation code (GB 11714, position 17). This wrapper fixes both.
"""

import re
from dataclasses import dataclass

from stdnum.cn import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_PATTERN = re.compile(r"^[1-9ANY][0-9A-HJ-NPQRTUWXY]\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class CreditCodeCheck:
    """The outcome of checking a code: ``error`` is a reason code, or ``None`` when valid."""

    code: str
    error: str | None = None
    organisation_code_valid: bool = True

    @property
    def is_valid(self) -> bool:
        return self.error is None


def compact(value: str) -> str:
    return uscc.compact(value or "")


def organisation_code_check_digit(body: str) -> str:
    """The check character of a GB 11714 organisation code from its first eight characters."""
    total = sum(
        _character_value(char) * weight for char, weight in zip(body, _ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _character_value(char: str) -> int:
    # GB 11714 counts digits as themselves and letters A=10 … Z=35.
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def check_credit_code(value: str) -> CreditCodeCheck:
    code = compact(value)
    if len(code) != 18:
        return CreditCodeCheck(code, "length")
    if not _PATTERN.match(code):
        return CreditCodeCheck(code, "format")
    if uscc.calc_check_digit(code[:17]) != code[17]:
        return CreditCodeCheck(code, "checksum")
    organisation_code = code[8:17]
    organisation_code_valid = organisation_code_check_digit(organisation_code[:8]) == organisation_code[8]
    return CreditCodeCheck(code, None, organisation_code_valid)


def is_valid_credit_code(value: str, *, require_organisation_code: bool = True) -> bool:
    result = check_credit_code(value)
    return result.is_valid and (result.organisation_code_valid or not require_organisation_code)


def make_credit_code(prefix8: str, organisation_body8: str) -> str:
    """Builds a valid code from the registration/region prefix and an organisation code body.

    Used by the demo data and the tests, so every generated code passes both checks.
    """
    organisation_code = organisation_body8 + organisation_code_check_digit(organisation_body8)
    first17 = prefix8 + organisation_code
    return first17 + uscc.calc_check_digit(first17)
