"""Who may do what with achievements (django-rules), for pages and API alike.

Filing belongs to the members (admin, staff) of the filing institution and to partner systems linked
to it; review belongs to the officials whose jurisdiction covers the filing institution.
"""

import rules

from achievements.choices import AchievementStatus, DetailVisibility
from institutions import rules as institution_rules
from institutions.roles import actor_roles
from institutions.rules import is_official, is_platform_admin


@rules.predicate
def is_member_of_filing_institution(user, achievement) -> bool:
    return achievement is not None and achievement.filing_institution_id in actor_roles(user).member_of


@rules.predicate
def is_partner_of_filing_institution(user, achievement) -> bool:
    return achievement is not None and achievement.filing_institution_id in actor_roles(user).partner_of


@rules.predicate
def is_official_over_achievement(user, achievement) -> bool:
    return achievement is not None and actor_roles(user).covers_region(
        achievement.filing_institution.region_id
    )


@rules.predicate
def is_published(user, achievement) -> bool:
    return achievement is not None and achievement.status == AchievementStatus.PUBLISHED


@rules.predicate
def is_past_draft(user, achievement) -> bool:
    return achievement is not None and achievement.status != AchievementStatus.DRAFT


@rules.predicate
def may_file_for(user, organisation) -> bool:
    roles = actor_roles(user)
    return organisation is not None and (
        organisation.pk in roles.member_of or organisation.pk in roles.partner_of
    )


@rules.predicate
def may_read_detail(user, achievement) -> bool:
    if achievement is None:
        return False
    visibility = achievement.detail_visibility
    if visibility == DetailVisibility.PUBLIC:
        return True
    roles = actor_roles(user)
    if not roles.is_authenticated:
        return False
    if visibility == DetailVisibility.SIGNED_IN:
        return True
    return bool(roles.enterprise_of) or roles.is_official or roles.is_platform_admin


def review_refusal(user, achievement) -> str | None:
    """Separation of duties: the code refusing ``user`` a review (approve, return) of the filing — a
    member of the filing institution, or the person who prepared or submitted it — or ``None``. Reads
    the filing's columns and the cached roles only, so the ActionSets ask it for every row."""
    return institution_rules.review_refusal(
        user,
        parties=[achievement.filing_institution_id],
        preparers=[achievement.created_by_id, achievement.submitted_by_id],
    )


is_filer = is_member_of_filing_institution | is_partner_of_filing_institution

rules.add_perm("achievements.file_for_organisation", is_platform_admin | may_file_for)
rules.add_perm(
    "achievements.view_achievement",
    is_published | is_platform_admin | is_filer | (is_official_over_achievement & is_past_draft),
)
rules.add_perm(
    "achievements.view_achievement_detail",
    is_platform_admin
    | is_filer
    | (is_official_over_achievement & is_past_draft)
    | (is_published & may_read_detail),
)
rules.add_perm("achievements.change_achievement", is_platform_admin | is_filer)
rules.add_perm("achievements.review_achievement", is_platform_admin | is_official_over_achievement)
rules.add_perm(
    "achievements.publish_achievement", is_platform_admin | is_filer | is_official_over_achievement
)
# The parties to a filing (its institution and the officials over it) follow its status and reviews.
rules.add_perm("achievements.follow_achievement", is_platform_admin | is_filer | is_official_over_achievement)
# Officials have a review queue (it holds what their jurisdiction submitted); platform admins see all.
rules.add_perm("achievements.view_review_queue", is_platform_admin | is_official)


@rules.predicate
def is_provincial_official(user) -> bool:
    return actor_roles(user).is_provincial_official


rules.add_perm("achievements.manage_catalogues", is_platform_admin | is_provincial_official)
rules.add_perm("achievements.import_achievements", is_platform_admin | may_file_for)
