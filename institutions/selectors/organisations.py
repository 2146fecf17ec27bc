"""Reads on the institution network. Visibility for the actor is applied here, once, for every page
and API call; callers get querysets with everything they display already joined or prefetched.
"""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Left
from django.http import Http404

from accounts.models import User
from core.filtering import apply_filterset
from institutions import policies
from institutions.choices import DesignationStatus, MembershipRole, OrganisationKind
from institutions.filters import OrganisationFilterSet, RegionFilterSet
from institutions.models import Classification, Designation, Membership, Organisation, Region
from institutions.querysets import LIVE_DESIGNATION_STATUSES
from institutions.roles import actor_roles

# Supervising officials; the officials of a registration body are its registrars (roles.registrar_of).
OFFICIAL_ORGANISATION_KINDS = (OrganisationKind.GOVERNMENT_DEPARTMENT,)

ORGANISATION_ORDERINGS = {
    "name": ("name",),
    "-name": ("-name",),
    "region": ("region_id", "name"),
    "-region": ("-region_id", "name"),
    "newest": ("-created_at", "pk"),
    "oldest": ("created_at", "pk"),
}


def organisation_visible_queryset(*, actor) -> QuerySet[Organisation]:
    """Active organisations are public; inactive ones only to platform admins and the officials over them."""
    roles = actor_roles(actor)
    queryset = Organisation.objects.all()
    if roles.is_platform_admin:
        return queryset
    if roles.is_official:
        return queryset.filter(is_active=True) | queryset.in_regions(roles.jurisdiction_prefixes)
    return queryset.active()


def organisation_list(
    *, actor, filters: dict | None = None, scope: str = "", ordering: str = ""
) -> QuerySet[Organisation]:
    """The directory. ``scope="jurisdiction"`` narrows an official's list to their jurisdiction."""
    queryset = organisation_visible_queryset(actor=actor)
    if scope == "jurisdiction":
        roles = actor_roles(actor)
        if not roles.is_platform_admin:
            queryset = queryset.in_regions(roles.jurisdiction_prefixes)
    queryset = apply_filterset(queryset, OrganisationFilterSet, filters)
    queryset = queryset.select_related(
        "region__parent", "entity_type", "parent", "transfer_office"
    ).prefetch_related(
        "service_fields",
        Prefetch(
            "designations",
            queryset=Designation.objects.filter(status__in=LIVE_DESIGNATION_STATUSES).order_by("level"),
            to_attr="live_designations",
        ),
    )
    return queryset.order_by(*ORGANISATION_ORDERINGS.get(ordering, ("region_id", "name")))


def organisation_get(*, pk: int, actor) -> Organisation:
    """One organisation with its network links (parent, children, transfer office and the organisations
    it serves) and designations, or 404 when not visible."""
    try:
        return (
            organisation_visible_queryset(actor=actor)
            .select_related("region__parent", "entity_type", "parent__region", "transfer_office__region")
            .prefetch_related(
                "service_fields",
                Prefetch(
                    "designations",
                    queryset=Designation.objects.select_related("granted_by").order_by(
                        "-year_granted", "-pk"
                    ),
                    to_attr="all_designations",
                ),
                Prefetch(
                    "children",
                    queryset=Organisation.objects.active()
                    .select_related("region")
                    .order_by("region_id", "name"),
                    to_attr="active_children",
                ),
                # The universities and institutes whose results it transfers (依托单位), for an office.
                Prefetch(
                    "served_organisations",
                    queryset=Organisation.objects.active()
                    .select_related("region")
                    .order_by("region_id", "name"),
                    to_attr="active_served_organisations",
                ),
            )
            .get(pk=pk)
        )
    except Organisation.DoesNotExist as error:
        raise Http404 from error


def membership_list(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "organisation", "granted_by")
        .order_by("role", "user__username")
    )


def designation_list(*, actor, organisation: Organisation | None = None) -> QuerySet[Designation]:
    queryset = Designation.objects.select_related("organisation__region", "granted_by")
    queryset = queryset.filter(organisation__in=organisation_visible_queryset(actor=actor))
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset.order_by("-year_granted", "-pk")


def region_list(*, filters: dict | None = None, everywhere: bool = False) -> QuerySet[Region]:
    """The platform province's regions (what the pickers and filters offer), or with ``everywhere`` the
    whole country's (the reference list the API serves for contract counterparties)."""
    queryset = Region.objects.select_related("parent")
    if not everywhere:
        queryset = queryset.home()
    queryset = apply_filterset(queryset, RegionFilterSet, filters)
    return queryset.order_by("code")


REGION_SEARCH_LIMIT = 20


def region_search(*, text: str) -> list[Region]:
    """Regions of all China in force whose code starts with ``text`` (digits) or whose name contains it,
    at most ``REGION_SEARCH_LIMIT``, with their parents (the form of a party off the platform suggests
    them as one types)."""
    text = (text or "").strip()[:20]
    if not text:
        return []
    queryset = Region.objects.filter(valid_to__isnull=True).select_related("parent__parent")
    if text.isdigit():
        queryset = queryset.filter(code__startswith=text)
    else:
        queryset = queryset.filter(name__contains=text)
    return list(queryset.order_by("code")[:REGION_SEARCH_LIMIT])


def region_get(*, code: str, everywhere: bool = False) -> Region:
    queryset = Region.objects.select_related("parent__parent")
    if not everywhere:
        queryset = queryset.home()
    try:
        return queryset.get(code=code)
    except Region.DoesNotExist as error:
        raise Http404 from error


@dataclass(frozen=True)
class NetworkNode:
    """A region in the network view, with the institutions in it and everything under it."""

    region: Region
    institution_count: int
    transfer_institution_count: int


@dataclass(frozen=True)
class NetworkLevel:
    """A region's place in the network: its child regions, and the institutions registered at the
    region itself (省本级 / 市本级), which belong to no child."""

    nodes: list[NetworkNode]
    own_institution_count: int
    own_transfer_institution_count: int


def network_level(*, actor, region: Region) -> NetworkLevel:
    """The regions directly under ``region`` with institution counts rolled up (two queries)."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    counts = (
        organisation_visible_queryset(actor=actor)
        .filter(region__code__startswith=region.jurisdiction_prefix)
        .values("region_id", "is_transfer_institution")
        .annotate(total=Count("pk"))
        .order_by()
    )
    all_counts: Counter[str] = Counter()
    transfer_counts: Counter[str] = Counter()
    for row in counts:
        all_counts[row["region_id"]] += row["total"]
        if row["is_transfer_institution"]:
            transfer_counts[row["region_id"]] += row["total"]

    def rolled_up(counter: Counter[str], child: Region) -> int:
        prefix = child.jurisdiction_prefix
        return sum(total for code, total in counter.items() if code.startswith(prefix))

    return NetworkLevel(
        nodes=[
            NetworkNode(child, rolled_up(all_counts, child), rolled_up(transfer_counts, child))
            for child in children
        ],
        own_institution_count=all_counts[region.code],
        own_transfer_institution_count=transfer_counts[region.code],
    )


def network_children(*, actor, region: Region) -> list[NetworkNode]:
    return network_level(actor=actor, region=region).nodes


def classification_taxonomy(*, schemes) -> dict[str, list[Classification]]:
    """The current entries of each classification scheme in ``schemes``, in their order (one query)."""
    entries: dict[str, list[Classification]] = {scheme: [] for scheme in schemes}
    for entry in Classification.objects.filter(scheme__in=schemes, is_current=True).order_by(
        "scheme", "position", "code"
    ):
        entries[entry.scheme].append(entry)
    return entries


def region_province() -> Region:
    """The platform's own province (``settings.PLATFORM_PROVINCE_CODE``)."""
    return Region.objects.get(code=settings.PLATFORM_PROVINCE_CODE)


def headline_counts() -> dict[str, int]:
    """Active institutions, transfer institutions, live designations and cities covered (two queries)."""
    counts = Organisation.objects.active().aggregate(
        institutions=Count("pk"),
        transfer_institutions=Count("pk", filter=Q(is_transfer_institution=True)),
        # A city is covered when an organisation sits in it or one of its counties: the code's first
        # four digits name the city; province-level organisations (51xxxx ending 0000) cover none.
        cities=Count(Left("region_id", 4), distinct=True, filter=~Q(region__code__endswith="0000")),
    )
    counts["designations"] = Designation.objects.filter(
        status__in=LIVE_DESIGNATION_STATUSES, organisation__is_active=True
    ).count()
    return counts


def officials_covering(*, region_code: str):
    """The active officials whose jurisdiction includes ``region_code``: those of the province, of the
    city and of the county the code belongs to (GB/T 2260 structure)."""
    codes = {region_code[:2] + "0000", region_code[:4] + "00", region_code}
    return User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role=MembershipRole.OFFICIAL,
        memberships__organisation__is_active=True,
        memberships__organisation__kind__in=OFFICIAL_ORGANISATION_KINDS,
        memberships__organisation__region_id__in=codes,
    ).distinct()


def organisation_members(*, organisation_id: int, roles=(MembershipRole.ADMIN, MembershipRole.STAFF)):
    """The active users who are members of the organisation with one of the roles."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__is_active=True,
        memberships__role__in=roles,
    ).distinct()


def designation_applied_queue(*, actor) -> QuerySet[Designation]:
    """Titles applied for that the actor decides: in their jurisdiction and at a level their posts grant
    (``policies.DESIGNATION_LEVELS_BY_POST``; every title for a platform admin), oldest first."""
    roles = actor_roles(actor)
    queryset = Designation.objects.filter(status=DesignationStatus.APPLIED)
    if not roles.is_platform_admin:
        decides = Q(pk__in=[])
        for post in roles.official_posts:
            levels = policies.DESIGNATION_LEVELS_BY_POST.get(post.region_level, frozenset())
            decides |= Q(organisation__region__code__startswith=post.prefix, level__in=levels)
        queryset = queryset.filter(decides)
    return queryset.select_related("organisation").order_by("created_at", "pk")
