"""Role and jurisdiction predicates (django-rules), shared by every page and API of every app.

One predicate per rule. Officials act on what lies in their jurisdiction: their department's region
and everything under it by GB/T 2260 code.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from core.permissions import require
from institutions import policies
from institutions.choices import DesignationLevel, OrganisationKind
from institutions.roles import actor_roles


@rules.predicate
def is_platform_admin(user) -> bool:
    return actor_roles(user).is_platform_admin


@rules.predicate
def is_official(user) -> bool:
    return actor_roles(user).is_official


@rules.predicate
def is_official_for_organisation(user, organisation) -> bool:
    return organisation is not None and actor_roles(user).covers_region(organisation.region_id)


@rules.predicate
def is_official_for_region(user, region) -> bool:
    return region is not None and actor_roles(user).covers_region(region.code)


@rules.predicate
def is_admin_of_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.pk in actor_roles(user).admin_of


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.pk in actor_roles(user).member_of


@rules.predicate
def is_official_for_designation(user, designation) -> bool:
    return designation is not None and actor_roles(user).covers_region(designation.organisation.region_id)


# --- designations by level -------------------------------------------------------------------
# Who may grant, warn, reinstate and revoke a title depends on its level (``policies.
# DESIGNATION_LEVELS_BY_POST``): services, pages, API and ``institutions.actions`` all ask these.


class DesignationLevelNotPermitted(PermissionDenied):
    """The actor may act on titles of this institution, but not at this level: a 403 whose API
    ``code`` names the rule."""

    code = "designation_level_not_permitted"


_LEVEL_AUTHORITY = {
    DesignationLevel.CITY: _(
        "City demonstration titles are granted and changed only by the S&T department of the "
        "institution's city."
    ),
    DesignationLevel.PROVINCIAL: _(
        "Provincial demonstration titles are granted and changed only by the provincial S&T department."
    ),
    DesignationLevel.NATIONAL: _(
        "National demonstration titles are decided by the Ministry of Science and Technology and "
        "recorded here only by the provincial S&T department."
    ),
}


def _posts_covering(user, organisation):
    return [
        post for post in actor_roles(user).official_posts if organisation.region_id.startswith(post.prefix)
    ]


def designation_levels_for(user, organisation) -> frozenset[str]:
    """The title levels ``user`` may grant, warn, reinstate and revoke for ``organisation``."""
    if organisation is None:
        return frozenset()
    return policies.designation_levels_grantable(
        is_platform_admin=actor_roles(user).is_platform_admin,
        post_levels=[post.region_level for post in _posts_covering(user, organisation)],
    )


def designation_department_for(user, organisation, level: str) -> int | None:
    """The department whose official post lets ``user`` act on a ``level`` title of ``organisation``
    (recorded as the title's ``granted_by``); ``None`` for a platform admin without such a post."""
    for post in _posts_covering(user, organisation):
        if level in policies.DESIGNATION_LEVELS_BY_POST.get(post.region_level, frozenset()):
            return post.organisation_id
    return None


def require_designation_level(user, organisation, level: str) -> None:
    """Raises ``DesignationLevelNotPermitted``, naming who decides such titles, unless ``user`` may act
    on ``level`` titles of ``organisation``."""
    if level not in designation_levels_for(user, organisation):
        raise DesignationLevelNotPermitted(
            str(_LEVEL_AUTHORITY.get(level, _("You may not grant or change titles of this level.")))
        )


@rules.predicate
def may_grant_designations(user, organisation) -> bool:
    """Whether ``user`` may grant a title of at least one level to ``organisation``."""
    return bool(designation_levels_for(user, organisation))


@rules.predicate
def may_change_designation(user, designation) -> bool:
    """Whether ``user`` may warn, reinstate or revoke ``designation`` (its level is theirs)."""
    return designation is not None and designation.level in designation_levels_for(
        user, designation.organisation
    )


# --- separation of duties (职责分离) -------------------------------------------------------------
# The pure rules are ``policies.review_conflict`` and ``policies.membership_grant_conflict``; these
# read the actor's cached roles (no query). Services raise the coded refusal (``separation_of_duties``,
# ``require_membership_grant``) before acting; ``institutions.actions`` and the other apps' ActionSets
# ask the ``*_refusal`` forms, so a button the rule would refuse never shows.

# Organisations whose members govern others (officials, registrars): their memberships come from above.
GOVERNING_KINDS = frozenset({OrganisationKind.GOVERNMENT_DEPARTMENT, OrganisationKind.REGISTRATION_BODY})


class SeparationOfDuties(PermissionDenied):
    """A 403 refusing a conflict of interest; ``code`` names the rule (``policies.OWN_ORGANISATION``,
    ``OWN_SUBMISSION``, ``SELF_GRANT``, ``BODY_ABOVE_ONLY``) and travels in the API's error body."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


_SEPARATION_MESSAGES = {
    policies.OWN_SUBMISSION: _(
        "You prepared or submitted this yourself, so you may not review, approve or register it; "
        "another official must decide."
    ),
    policies.OWN_ORGANISATION: _(
        "This was put forward by an organisation you are a member of, so you may not review, approve "
        "or register it; another official must decide."
    ),
    policies.SELF_GRANT: _(
        "You cannot grant yourself a membership or change your own role; another administrator or "
        "official must do it."
    ),
    policies.BODY_ABOVE_ONLY: _(
        "Members of a government S&T department or a contract registration body are appointed only by "
        "the officials of the department above it (for the provincial bodies, by a platform "
        "administrator)."
    ),
}


def separation_of_duties(code: str) -> SeparationOfDuties:
    return SeparationOfDuties(code, str(_SEPARATION_MESSAGES[code]))


def review_refusal(user, *, parties, preparers) -> str | None:
    """The code refusing ``user`` a decision on a record put forward by the organisations ``parties``
    (ids) and prepared or submitted by the people ``preparers`` (ids), or ``None`` when independent."""
    return policies.review_conflict(
        actor_id=getattr(user, "pk", None),
        actor_organisation_ids=actor_roles(user).affiliated_with,
        party_ids=parties,
        preparer_ids=preparers,
    )


def is_governing_body(organisation) -> bool:
    return organisation is not None and organisation.kind in GOVERNING_KINDS


def membership_grant_refusal(
    user, organisation, member_id: int | None, *, current_role: str | None = None, new_role: str | None = None
) -> str | None:
    """The code refusing ``user`` to grant ``organisation``'s membership (``current_role`` ``None``) or
    a new role to the user ``member_id``, or ``None`` (``policies.membership_grant_conflict``)."""
    roles = actor_roles(user)
    return policies.membership_grant_conflict(
        actor_id=getattr(user, "pk", None),
        member_id=member_id,
        current_role=current_role,
        new_role=new_role,
        is_platform_admin=roles.is_platform_admin,
        is_governing_body=is_governing_body(organisation),
        body_prefix=policies.jurisdiction_prefix(organisation.region_id) or "",
        actor_post_prefixes=roles.jurisdiction_prefixes,
    )


def require_membership_grant(
    user, organisation, member_id: int | None, *, current_role: str | None = None, new_role: str | None = None
) -> None:
    if code := membership_grant_refusal(
        user, organisation, member_id, current_role=current_role, new_role=new_role
    ):
        raise separation_of_duties(code)


def require_manage_members(user, organisation) -> None:
    """The members page and endpoints: a governing body's are refused with ``body_above_only`` to all
    but the department above and platform admins; everyone else gets the plain permission check."""
    if (
        is_governing_body(organisation)
        and actor_roles(user).is_authenticated
        and not rules.has_perm("institutions.manage_members", user, organisation)
    ):
        raise separation_of_duties(policies.BODY_ABOVE_ONLY)
    require(user, "institutions.manage_members", organisation)


@rules.predicate
def is_governing_organisation(user, organisation) -> bool:
    return is_governing_body(organisation)


@rules.predicate
def is_official_above_organisation(user, organisation) -> bool:
    """An official of a department whose jurisdiction strictly contains the organisation's region."""
    if organisation is None:
        return False
    body_prefix = policies.jurisdiction_prefix(organisation.region_id) or ""
    return any(
        policies.is_body_above(post_prefix=prefix, body_prefix=body_prefix)
        for prefix in actor_roles(user).jurisdiction_prefixes
    )


rules.add_perm("institutions.add_organisation", is_platform_admin | is_official)
rules.add_perm("institutions.add_organisation_in_region", is_platform_admin | is_official_for_region)
rules.add_perm(
    "institutions.change_organisation",
    is_platform_admin | is_official_for_organisation | is_admin_of_organisation,
)
# A governing body's members come from the department above (separation of duties); an institution's
# or enterprise's from its own administrators and the officials over it.
rules.add_perm(
    "institutions.manage_members",
    is_platform_admin
    | (is_governing_organisation & is_official_above_organisation)
    | (~is_governing_organisation & (is_official_for_organisation | is_admin_of_organisation)),
)
# Opens an institution's designations page (and guards appointing officials, see services); which
# titles the actor may then grant or change is the level rule below.
rules.add_perm("institutions.manage_designations", is_platform_admin | is_official_for_organisation)
rules.add_perm("institutions.grant_designations", may_grant_designations)
rules.add_perm("institutions.change_designation_status", may_change_designation)
rules.add_perm("institutions.view_history", is_platform_admin | is_official_for_organisation)
rules.add_perm("institutions.view_audit_log", is_platform_admin | is_official)


@rules.predicate
def is_registrar(user) -> bool:
    return bool(actor_roles(user).registrar_of)


# 等保 level 3 asks for two factors for administrators: the people who decide for others (platform
# admins, officials, registrars) may add an authenticator app to their sign-in (accounts).
rules.add_perm("accounts.use_second_factor", is_platform_admin | is_official | is_registrar)
