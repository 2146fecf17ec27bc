"""Chinese patent application numbers (DOMAIN.md §7.2): format and mod-11 check character.

Since 2003-10-01: ``YYYY`` + type + 7-digit serial + ``.`` + check (``ZL`` in front for a granted
patent's number); before: ``YY`` + type + 5 digits + check. Types: 1 invention, 2 utility model,
3 design, 8 PCT invention, 9 PCT utility model. The check multiplies the digits by the weights
2, 3, 4, 5, 6, 7, 8, 9 (cycling), sums mod 11, and writes 10 as ``X``.
"""

import re
from dataclasses import dataclass

_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)
_CURRENT = re.compile(r"^(?:ZL)?(?P<body>(?P<year>\d{4})(?P<type>[12389])\d{7})\.?(?P<check>[0-9X])$")
_OLD = re.compile(r"^(?:ZL)?(?P<body>(?P<year>\d{2})(?P<type>[12389])\d{5})\.?(?P<check>[0-9X])$")
PATENT_TYPES = {"1": "invention", "2": "utility_model", "3": "design", "8": "invention", "9": "utility_model"}


@dataclass(frozen=True)
class PatentNumberCheck:
    number: str
    error: str | None = None
    patent_type: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.error is None


def check_character(body: str) -> str:
    total = sum(int(digit) * _WEIGHTS[index % len(_WEIGHTS)] for index, digit in enumerate(body))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def normalise(value: str) -> str:
    """Upper-case, no spaces; the canonical form is ``ZL`` + body + ``.`` + check (``CN`` prefixes dropped)."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if compact.startswith("CN") and not compact.startswith("CNZL"):
        compact = compact[2:]
    return compact.replace("CNZL", "ZL")


def check_patent_number(value: str) -> PatentNumberCheck:
    number = normalise(value)
    match = _CURRENT.match(number) or _OLD.match(number)
    if match is None:
        return PatentNumberCheck(number, "format")
    if check_character(match["body"]) != match["check"]:
        return PatentNumberCheck(number, "checksum")
    canonical = f"ZL{match['body']}.{match['check']}"
    return PatentNumberCheck(canonical, None, PATENT_TYPES[match["type"]])
