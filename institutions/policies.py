"""Pure rules of the institution network: no database."""

import re

from institutions.choices import DesignationStatus as Status

# Designation life (DESIGN.md): applied → approved → active → warned → revoked; a warned
# institution that mends its ways returns to active.
DESIGNATION_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.APPLIED: frozenset({Status.APPROVED, Status.REVOKED}),
    Status.APPROVED: frozenset({Status.ACTIVE, Status.REVOKED}),
    Status.ACTIVE: frozenset({Status.WARNED, Status.REVOKED}),
    Status.WARNED: frozenset({Status.ACTIVE, Status.REVOKED}),
    Status.REVOKED: frozenset(),
}

# Changes that need a written reason (kept in the audit trail and shown on the institution page).
REASON_REQUIRED = frozenset({Status.WARNED, Status.REVOKED})


def designation_can_move(current: str, target: str) -> bool:
    return target in DESIGNATION_TRANSITIONS.get(current, frozenset())


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
