"""What a user may do follows from their memberships; this module reads them once per request.

``actor_roles(user)`` loads the user's active memberships in one query and caches the result on
the user object, so every permission check in a page or an API call costs no further query.
"""

from dataclasses import dataclass, field

from institutions.choices import MembershipRole, OrganisationKind, RegionLevel
from institutions.models import Membership

_CACHE_ATTRIBUTE = "_institution_roles"


@dataclass(frozen=True)
class OfficialPost:
    organisation_id: int
    organisation_name: str
    region_code: str
    region_name: str
    region_level: str
    prefix: str


@dataclass(frozen=True)
class ActorRoles:
    is_authenticated: bool = False
    is_platform_admin: bool = False
    official_posts: tuple[OfficialPost, ...] = ()
    admin_of: frozenset[int] = frozenset()
    member_of: frozenset[int] = frozenset()
    broker_of: frozenset[int] = frozenset()
    partner_of: frozenset[int] = frozenset()
    enterprise_of: frozenset[int] = frozenset()
    registrar_of: frozenset[int] = frozenset()
    institution_of: frozenset[int] = field(default_factory=frozenset)
    # Every organisation the user holds an active membership of, whatever the role (separation of
    # duties: nobody decides on what one of them put forward).
    affiliated_with: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_official(self) -> bool:
        return bool(self.official_posts)

    @property
    def is_institution_member(self) -> bool:
        """Works (admin or staff) for a university, institute or transfer institution: files
        achievements and lists technologies. An enterprise's members post demands instead."""
        return bool(self.member_of & self.institution_of)

    @property
    def jurisdiction_prefixes(self) -> tuple[str, ...]:
        return tuple(post.prefix for post in self.official_posts)

    @property
    def is_provincial_official(self) -> bool:
        return any(post.region_level == RegionLevel.PROVINCE for post in self.official_posts)

    def covers_region(self, region_code: str) -> bool:
        return any(region_code.startswith(prefix) for prefix in self.jurisdiction_prefixes)

    @property
    def labels(self) -> list[str]:
        """Role names for display, most powerful first."""
        labels = []
        if self.is_platform_admin:
            labels.append("platform_admin")
        if self.is_official:
            labels.append("official")
        if self.admin_of & self.institution_of:
            labels.append("institution_admin")
        if (self.member_of - self.admin_of) & self.institution_of:
            labels.append("institution_staff")
        if self.enterprise_of:
            labels.append("enterprise_user")
        if self.registrar_of:
            labels.append("registrar")
        if self.broker_of:
            labels.append("broker")
        if self.partner_of:
            labels.append("partner")
        return labels


_ANONYMOUS = ActorRoles()
_INSTITUTION_KINDS = {
    OrganisationKind.UNIVERSITY,
    OrganisationKind.RESEARCH_INSTITUTE,
    OrganisationKind.TRANSFER_AGENCY,
}


def actor_roles(user) -> ActorRoles:
    if user is None or not user.is_authenticated:
        return _ANONYMOUS
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation__region")
        .only(
            "role",
            "organisation__id",
            "organisation__name",
            "organisation__kind",
            "organisation__region__code",
            "organisation__region__name",
            "organisation__region__level",
        )
    )

    def ids(*roles, kinds=None):
        return frozenset(
            m.organisation_id
            for m in memberships
            if (not roles or m.role in roles) and (kinds is None or m.organisation.kind in kinds)
        )

    # A registrar (an official of a contract registration body) registers contracts submitted to that
    # body and nothing else: the supervising posts come from government S&T departments only.
    posts = tuple(
        OfficialPost(
            organisation_id=m.organisation_id,
            organisation_name=m.organisation.name,
            region_code=m.organisation.region.code,
            region_name=m.organisation.region.name,
            region_level=m.organisation.region.level,
            prefix=m.organisation.region.jurisdiction_prefix,
        )
        for m in memberships
        if m.role == MembershipRole.OFFICIAL and m.organisation.kind == OrganisationKind.GOVERNMENT_DEPARTMENT
    )
    roles = ActorRoles(
        is_authenticated=True,
        is_platform_admin=user.is_superuser,
        official_posts=posts,
        admin_of=ids(MembershipRole.ADMIN),
        member_of=ids(MembershipRole.ADMIN, MembershipRole.STAFF),
        broker_of=ids(MembershipRole.BROKER),
        partner_of=ids(MembershipRole.PARTNER),
        enterprise_of=ids(MembershipRole.ADMIN, MembershipRole.STAFF, kinds={OrganisationKind.ENTERPRISE}),
        registrar_of=ids(MembershipRole.OFFICIAL, kinds={OrganisationKind.REGISTRATION_BODY}),
        institution_of=ids(kinds=_INSTITUTION_KINDS),
        affiliated_with=ids(),
    )
    setattr(user, _CACHE_ATTRIBUTE, roles)
    return roles


def forget_roles(user) -> None:
    """Drops the cached roles after the user's memberships change."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)
