"""Pure rules of achievement filing: no database."""

import re
import unicodedata
from decimal import Decimal
from difflib import SequenceMatcher

from achievements.choices import AchievementStatus as Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.RETURNED, Status.APPROVED, Status.WITHDRAWN}),
    Status.RETURNED: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.APPROVED: frozenset({Status.PUBLISHED, Status.WITHDRAWN}),
    Status.PUBLISHED: frozenset({Status.WITHDRAWN}),
    Status.WITHDRAWN: frozenset(),
}
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def shares_complete(shares: list[Decimal]) -> bool:
    """Ownership shares must add up to exactly 100 %."""
    return bool(shares) and sum(shares, Decimal(0)) == Decimal(100)


def filing_number(*, region_code: str, year: int, serial: int) -> str:
    """The platform filing number: region code (6) + year (4) + serial (5), e.g. ``510100202600042``."""
    if not (len(region_code) == 6 and region_code.isdigit()):
        raise ValueError("region_code must be 6 digits")
    if not 0 < serial < 100_000:
        raise ValueError("serial must be between 1 and 99999")
    return f"{region_code}{year:04d}{serial:05d}"


_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


def normalise_title(title: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation: 一种“石墨烯”电池 → 一种石墨烯电池."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", title or "").lower())


def title_similarity(first: str, second: str) -> float:
    """0–1, how alike two titles read once normalised."""
    a, b = normalise_title(first), normalise_title(second)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()
