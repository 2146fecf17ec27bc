"""Role and jurisdiction predicates (django-rules), shared by every page and API of every app.

One predicate per rule. Officials act on what lies in their jurisdiction: their department's region
and everything under it by GB/T 2260 code.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from institutions import policies
from institutions.choices import DesignationLevel
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


rules.add_perm("institutions.add_organisation", is_platform_admin | is_official)
rules.add_perm("institutions.add_organisation_in_region", is_platform_admin | is_official_for_region)
rules.add_perm(
    "institutions.change_organisation",
    is_platform_admin | is_official_for_organisation | is_admin_of_organisation,
)
rules.add_perm(
    "institutions.manage_members",
    is_platform_admin | is_official_for_organisation | is_admin_of_organisation,
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
