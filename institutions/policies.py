"""Pure rules of the institution network: no database."""

import re
from collections.abc import Iterable

from institutions.choices import DesignationLevel as Level
from institutions.choices import DesignationStatus as Status
from institutions.choices import RegionLevel

# Designation life (DESIGN.md): applied → approved → active → warned → revoked; a warned
# institution that mends its ways returns to active.
DESIGNATION_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.APPLIED: frozenset({Status.APPROVED, Status.REVOKED}),
    Status.APPROVED: frozenset({Status.ACTIVE, Status.REVOKED}),
    Status.ACTIVE: frozenset({Status.WARNED, Status.REVOKED}),
    Status.WARNED: frozenset({Status.ACTIVE, Status.REVOKED}),
    Status.REVOKED: frozenset(),
}

# The earliest year a demonstration title can carry: before the first national titles (2008) and every
# provincial or city programme; an earlier year is a typo. The latest is the current year
# (``core.validators.validate_year_not_in_future``).
DESIGNATION_FIRST_YEAR = 2000

# Changes that need a written reason (kept in the audit trail and shown on the institution page).
REASON_REQUIRED = frozenset({Status.WARNED, Status.REVOKED})


def designation_can_move(current: str, target: str) -> bool:
    return target in DESIGNATION_TRANSITIONS.get(current, frozenset())


# Which titles an official post grants, warns, reinstates and revokes: each title belongs to the
# authority that awards it. A city's S&T department awards its city's titles; the province's department
# awards provincial titles and records national ones, which the Ministry (科学技术部) decides. County
# departments award none: the plan names provincial and national demonstration institutions (clause
# （七）), city titles exist in practice, county titles do not. Platform admins may do everything.
DESIGNATION_LEVELS_BY_POST: dict[str, frozenset[str]] = {
    RegionLevel.PROVINCE: frozenset({Level.PROVINCIAL, Level.NATIONAL}),
    RegionLevel.CITY: frozenset({Level.CITY}),
    RegionLevel.COUNTY: frozenset(),
}


def designation_levels_grantable(*, is_platform_admin: bool, post_levels: Iterable[str]) -> frozenset[str]:
    """The title levels an actor may grant and change for one institution, given the region levels of
    their official posts that cover the institution's region."""
    if is_platform_admin:
        return frozenset(Level.values)
    return frozenset().union(*(DESIGNATION_LEVELS_BY_POST.get(level, frozenset()) for level in post_levels))


_REGION_CODE = re.compile(r"^\d{6}$")


def jurisdiction_prefix(region_code: str) -> str | None:
    """The code prefix that a GB/T 2260 code's region and everything under it share.

    ``510000`` (province) → ``51``; ``510100`` (city) → ``5101``; ``510104`` (county) → itself.
    ``None`` for anything that is not a 6-digit code.
    """
    if not _REGION_CODE.match(region_code or ""):
        return None
    if region_code[2:] == "0000":
        return region_code[:2]
    if region_code[4:] == "00":
        return region_code[:4]
    return region_code
