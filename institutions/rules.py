"""Role and jurisdiction predicates (django-rules), shared by every page and API of every app.

One predicate per rule. Officials act on what lies in their jurisdiction: their department's region
and everything under it by GB/T 2260 code.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from institutions.roles import actor_roles


def require(user, permission: str, obj=None) -> None:
    """Raises PermissionDenied (a 403 page, or a 403 API answer) unless ``user`` holds the permission."""
    if user is None or not user.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


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
rules.add_perm("institutions.manage_designations", is_platform_admin | is_official_for_organisation)
rules.add_perm("institutions.view_history", is_platform_admin | is_official_for_organisation)
rules.add_perm("institutions.view_audit_log", is_platform_admin | is_official)
