"""Pure rules of the institution network: no database."""

import re
from collections.abc import Iterable

from institutions.choices import DesignationLevel as Level
from institutions.choices import DesignationStatus as Status
from institutions.choices import MembershipRole, RegionLevel

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


# --- separation of duties (职责分离) -------------------------------------------------------------
# Nobody decides on what they or their own organisation put forward, and nobody grants themselves a
# role. Each refusal has a code, which the API returns and the tests name.

OWN_ORGANISATION = "own_organisation"
OWN_SUBMISSION = "own_submission"
SELF_GRANT = "self_grant"
BODY_ABOVE_ONLY = "body_above_only"


def review_conflict(
    *,
    actor_id: int | None,
    actor_organisation_ids: Iterable[int],
    party_ids: Iterable[int | None],
    preparer_ids: Iterable[int | None],
) -> str | None:
    """Why the actor may not review, approve, return, register or refuse a record, or ``None``.

    ``party_ids`` are the organisations that put the record forward (the filing institution, the
    enterprise, the parties of a contract); ``preparer_ids`` the people who prepared or submitted it.
    """
    if actor_id is not None and actor_id in {person for person in preparer_ids if person is not None}:
        return OWN_SUBMISSION
    if set(actor_organisation_ids) & {party for party in party_ids if party is not None}:
        return OWN_ORGANISATION
    return None


def is_body_above(*, post_prefix: str, body_prefix: str) -> bool:
    """Whether an official post with jurisdiction ``post_prefix`` sits above a body whose region has
    ``body_prefix``: the province above its cities and counties, a city above its counties."""
    return len(post_prefix) < len(body_prefix) and body_prefix.startswith(post_prefix)


def is_stepping_down(current_role: str | None, new_role: str | None) -> bool:
    """An administrator becoming staff of the same organisation gives up power and grants none."""
    return current_role == MembershipRole.ADMIN and new_role in (None, MembershipRole.STAFF)


def membership_grant_conflict(
    *,
    actor_id: int | None,
    member_id: int | None,
    current_role: str | None = None,
    new_role: str | None = None,
    is_platform_admin: bool,
    is_governing_body: bool,
    body_prefix: str,
    actor_post_prefixes: Iterable[str],
) -> str | None:
    """Why the actor may not grant (add, or change the role of) a membership, or ``None``.

    Nobody grants themselves a role, platform admins included: another administrator or official must.
    Only stepping down is one's own to do (``current_role`` admin, ``new_role`` staff, or ``None``
    when asking whether any change could be allowed).
    The members of a government S&T department or a registration body (``is_governing_body``) are
    appointed by the department above it: a city's by the province's officials, a county's by its city's
    or the province's; the province's own, which have nobody above them, by a platform admin.
    """
    if actor_id is not None and actor_id == member_id and not is_stepping_down(current_role, new_role):
        return SELF_GRANT
    above = any(is_body_above(post_prefix=prefix, body_prefix=body_prefix) for prefix in actor_post_prefixes)
    if is_governing_body and not is_platform_admin and not above:
        return BODY_ABOVE_ONLY
    return None
