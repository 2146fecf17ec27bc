"""Reads on listings and objections. Every read starts from ``visible_to(actor)`` (market/querysets.py),
the one place visibility is decided, and joins or prefetches what the pages and serializers show, so a
page costs the same number of queries whatever its length."""

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from core.filtering import apply_filterset
from core.text import search
from institutions.roles import actor_roles
from market.choices import ObjectionStatus
from market.filters.listings import ListingFilterSet, ObjectionFilterSet
from market.models import Listing, ListingObjection
from market.querysets import _in_regions

ORDERINGS = {
    "newest": ("-published_at", "-pk"),
    "oldest": ("published_at", "pk"),
    "title": ("title", "pk"),
    "price": (F("price").asc(nulls_last=True), "-pk"),
    "-price": (F("price").desc(nulls_last=True), "-pk"),
    "listed_until": ("listed_until", "pk"),
    "publicity_ends": (F("publicity_ends_at").asc(nulls_last=True), "pk"),
    "updated": ("-updated_at", "-pk"),
}
SEARCHABLE = search.SearchableList(orderings=ORDERINGS, best_match_ties=ORDERINGS["newest"])
OBJECTION_ORDERINGS = {
    "oldest": ("created_at", "pk"),
    "newest": ("-created_at", "-pk"),
}


def _open_objection_count():
    """The listing's open objections, as a subquery (no join, so it survives ``distinct()``)."""
    counted = (
        ListingObjection.objects.filter(listing_id=OuterRef("pk"), status=ObjectionStatus.OPEN)
        .order_by()
        .values("listing_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _brokers():
    return Prefetch("brokers", queryset=User.objects.order_by("username"))


def _with_list_relations(queryset: QuerySet[Listing]) -> QuerySet[Listing]:
    return (
        queryset.select_related("institution__region", "region__parent", "technology_field", "achievement")
        .prefetch_related(_brokers())
        .annotate(open_objection_count=_open_objection_count())
    )


def _filtered(queryset, *, filters, q, ordering, default_ordering="newest"):
    queryset = apply_filterset(queryset, ListingFilterSet, filters)
    return _with_list_relations(SEARCHABLE.search(queryset, q=q, ordering=ordering, default=default_ordering))


def listing_public_list(*, actor, filters: dict | None = None, q: str = "", ordering: str = "") -> QuerySet:
    """The public market: listings in publicity, listed, in a deal or sold; filtered, searched, ordered."""
    queryset = Listing.objects.visible_to(actor).public()
    return _filtered(queryset, filters=filters, q=q, ordering=ordering)


def listing_achievement_list(*, actor, achievement) -> QuerySet[Listing]:
    """An achievement's listings on the market (``public()``), for its page: newest first."""
    return (
        Listing.objects.visible_to(actor)
        .public()
        .filter(achievement=achievement)
        .only("pk", "title", "status", "published_at")
        .order_by("-published_at", "-pk")
    )


def listing_my_list(*, actor, filters: dict | None = None, q: str = "", ordering: str = "") -> QuerySet:
    """Every listing (any status) of the institutions the actor works for or is linked to."""
    roles = actor_roles(actor)
    queryset = Listing.objects.visible_to(actor).filter(institution_id__in=roles.member_of | roles.partner_of)
    return _filtered(queryset, filters=filters, q=q, ordering=ordering, default_ordering="updated")


def listing_api_list(
    *, actor, scope: str = "", filters: dict | None = None, q: str = "", ordering: str = ""
) -> QuerySet:
    """The API's list: the public market, or with ``scope="mine"`` the actor's own listings."""
    if scope == "mine":
        return listing_my_list(actor=actor, filters=filters, q=q, ordering=ordering)
    return listing_public_list(actor=actor, filters=filters, q=q, ordering=ordering)


def listing_get(*, pk: int, actor) -> Listing:
    """One listing with its seller, achievement, brokers and open-objection count, or 404."""
    try:
        return (
            Listing.objects.visible_to(actor)
            .select_related(
                "institution__region",
                "region__parent",
                "technology_field",
                "achievement__filing_institution",
                "created_by",
            )
            .prefetch_related(_brokers())
            .annotate(open_objection_count=_open_objection_count())
            .get(pk=pk)
        )
    except Listing.DoesNotExist as error:
        raise Http404 from error


def _objection_relations(queryset: QuerySet[ListingObjection]) -> QuerySet[ListingObjection]:
    return queryset.select_related("listing__institution__region", "filed_by", "resolved_by")


def _objection_filtered(queryset, *, filters, ordering, default="oldest"):
    queryset = apply_filterset(queryset, ObjectionFilterSet, filters)
    return _objection_relations(queryset).order_by(
        *OBJECTION_ORDERINGS.get(ordering, OBJECTION_ORDERINGS[default])
    )


def _jurisdiction(actor) -> Q | None:
    """Objections over sellers in the actor's jurisdiction (everything for admins; None for others)."""
    roles = actor_roles(actor)
    if roles.is_platform_admin:
        return Q()
    if roles.is_official:
        return _in_regions("listing__institution__region__code", roles.jurisdiction_prefixes)
    return None


def objection_queue(*, actor, filters: dict | None = None, ordering: str = "") -> QuerySet[ListingObjection]:
    """Open objections the actor decides: over sellers in their jurisdiction (all for admins), oldest first."""
    condition = _jurisdiction(actor)
    if condition is None:
        return ListingObjection.objects.none()
    queryset = ListingObjection.objects.filter(condition, status=ObjectionStatus.OPEN)
    return _objection_filtered(queryset, filters=filters, ordering=ordering)


def objection_list(*, actor, filters: dict | None = None, ordering: str = "") -> QuerySet[ListingObjection]:
    """Objections the actor may read: those in their jurisdiction (officials; all for admins) and their own."""
    roles = actor_roles(actor)
    if not roles.is_authenticated:
        return ListingObjection.objects.none()
    condition = Q(filed_by=actor)
    jurisdiction = _jurisdiction(actor)
    if jurisdiction is not None:
        condition = jurisdiction if roles.is_platform_admin else condition | jurisdiction
    queryset = ListingObjection.objects.filter(condition)
    return _objection_filtered(queryset, filters=filters, ordering=ordering, default="newest")


def objection_get(*, pk: int, actor) -> ListingObjection:
    try:
        return objection_list(actor=actor).get(pk=pk)
    except ListingObjection.DoesNotExist as error:
        raise Http404 from error


def may_see_objections(actor, listing: Listing) -> bool:
    """The seller, the officials over it and admins read every objection to a listing."""
    return actor.has_perm("market.change_listing", listing) or actor.has_perm(
        "market.moderate_listing", listing
    )


def listing_objections(*, actor, listing: Listing) -> QuerySet[ListingObjection]:
    """All objections to one listing (for its seller, the officials over it and admins), newest first;
    only the actor's own for anyone else."""
    queryset = ListingObjection.objects.filter(listing=listing)
    if not may_see_objections(actor, listing):
        queryset = queryset.filter(filed_by_id=actor.pk) if actor.is_authenticated else queryset.none()
    return _objection_relations(queryset).order_by("-created_at", "-pk")
