"""Reads of supply–demand matches. Every read starts from ``Match.objects.visible_to(actor)``: the two
parties (members and brokers) and the officials over either; nobody else.

A list for one side shows the pairs ranked on that side and hides those that side judged not
relevant. Each match carries ``demand_verdict`` / ``offer_verdict`` (the sides' feedback, if any) and,
after ``with_reasons``, ``reasons``: the explanation in plain words.
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from institutions.roles import actor_roles
from market.choices import MatchSide, MatchVerdict
from market.models import Demand, Listing, Match, MatchFeedback
from market.policies import matching as policy
from market.querysets import MatchQuerySet
from market.services import matching as matching_services

# --- who sees a record's matches (the panels) ---------------------------------------------------------


def may_see_demand_matches(user, demand: Demand) -> bool:
    """The demand's enterprise (members and brokers), the officials over it and platform admins."""
    roles = actor_roles(user)
    return (
        roles.is_platform_admin
        or demand.enterprise_id in roles.member_of | roles.broker_of
        or roles.covers_region(demand.enterprise.region_id)
    )


def is_listing_party(user, listing: Listing) -> bool:
    """A member or broker of the listing's institution, or one of the listing's brokers (prefetched by
    ``listing_get``: no query)."""
    roles = actor_roles(user)
    return listing.institution_id in roles.member_of | roles.broker_of or (
        bool(roles.broker_of) and any(broker.pk == user.pk for broker in listing.brokers.all())
    )


def may_see_listing_matches(user, listing: Listing) -> bool:
    """The listing's institution (members and brokers), its brokers, the officials over the
    institution and platform admins."""
    roles = actor_roles(user)
    return (
        roles.is_platform_admin
        or is_listing_party(user, listing)
        or roles.covers_region(listing.institution.region_id)
    )


# --- reads ------------------------------------------------------------------------------------------


def _verdict(side: str) -> Subquery:
    return Subquery(
        # One offer column is empty on both rows and NULL = NULL is not true in SQL: match either offer.
        MatchFeedback.objects.filter(
            Q(listing_id=OuterRef("listing_id")) | Q(achievement_id=OuterRef("achievement_id")),
            demand_id=OuterRef("demand_id"),
            side=side,
        ).values("verdict")[:1]
    )


def _annotated(queryset: QuerySet[Match]) -> QuerySet[Match]:
    """Both sides' verdicts and everything a row shows, in one query."""
    return queryset.annotate(
        demand_verdict=_verdict(MatchSide.DEMAND), offer_verdict=_verdict(MatchSide.OFFER)
    ).select_related(
        "demand__enterprise",
        "demand__region",
        "demand__technology_field",
        "listing__institution__parent__region",
        "listing__region",
        "listing__technology_field",
        "achievement__filing_institution__parent__region",
        "achievement__region",
        "achievement__technology_field",
    )


def _not_dismissed(side: str) -> Q:
    field = "demand_verdict" if side == MatchSide.DEMAND else "offer_verdict"
    return Q(**{f"{field}__isnull": True}) | ~Q(**{field: MatchVerdict.NOT_RELEVANT})


def match_list_for_demand(*, actor, demand: Demand) -> QuerySet[Match]:
    """The offers recommended for a demand (推荐匹配), best first, without those its side dismissed."""
    queryset = Match.objects.visible_to(actor).filter(demand=demand, demand_rank__isnull=False)
    return _annotated(queryset).filter(_not_dismissed(MatchSide.DEMAND)).order_by("demand_rank", "pk")


def match_list_for_listing(*, actor, listing: Listing) -> QuerySet[Match]:
    """The demands recommended for a listing, best first, without those its side dismissed."""
    queryset = Match.objects.visible_to(actor).filter(listing=listing, listing_rank__isnull=False)
    return _annotated(queryset).filter(_not_dismissed(MatchSide.OFFER)).order_by("listing_rank", "pk")


def match_inbox(*, actor, side: str = "", minimum_score: float | None = None) -> QuerySet[Match]:
    """The matches of the actor's own records (匹配收件箱): offers for their enterprise's demands and
    demands for their institution's listings, achievements and brokered listings; best first, without
    those their side dismissed. ``side`` limits it to one side."""
    roles = actor_roles(actor)
    if not roles.is_authenticated:
        return Match.objects.none()
    demand_side = MatchQuerySet.demand_side(roles, as_official=False) & Q(demand_rank__isnull=False)
    offer_side = MatchQuerySet.offer_side(actor, roles, as_official=False) & (
        Q(listing_rank__isnull=False) | Q(achievement__isnull=False, demand_rank__isnull=False)
    )
    queryset = _annotated(Match.objects.all())
    if side == MatchSide.DEMAND:
        queryset = queryset.filter(demand_side & _not_dismissed(MatchSide.DEMAND))
    elif side == MatchSide.OFFER:
        queryset = queryset.filter(offer_side & _not_dismissed(MatchSide.OFFER))
    else:
        queryset = queryset.filter(
            (demand_side & _not_dismissed(MatchSide.DEMAND)) | (offer_side & _not_dismissed(MatchSide.OFFER))
        )
    if minimum_score is not None:
        queryset = queryset.filter(score__gte=minimum_score)
    return queryset.order_by("-score", "pk")


def match_get(*, actor, pk: int) -> Match:
    match = _annotated(Match.objects.visible_to(actor)).filter(pk=pk).first()
    if match is None:
        raise Http404
    return match


def _facts(match: Match) -> policy.PairFacts:
    demand, offer = match.demand, match.offer
    same_field = None
    if demand.technology_field_id and offer.technology_field_id:
        same_field = demand.technology_field_id == offer.technology_field_id
    modes = (
        {offer.transaction_mode} if match.listing_id else set(getattr(offer, "cooperation_modes", None) or ())
    )
    price = offer.price if match.listing_id else offer.indicative_price
    demand_code, offer_code = demand.region.code, offer.region.code if offer.region_id else ""
    owner = offer.institution if match.listing_id else offer.filing_institution
    parent_region = owner.parent.region.code if owner.parent_id else ""
    return policy.PairFacts(
        matched_terms=tuple(match.matched_terms),
        same_field=same_field,
        field_name=demand.technology_field.label if same_field else "",
        required_trl=demand.required_trl,
        offered_trl=offer.trl,
        budget_max=float(demand.budget_max) if demand.budget_max is not None else None,
        price=float(price) if price is not None else None,
        same_mode=demand.cooperation_mode in modes,
        region_relation=policy.region_relation(
            int(demand_code or 0),
            int(offer_code or 0),
            bool(matching_services.zones_of(demand_code) & matching_services.zones_of(offer_code)),
            bool(parent_region) and parent_region[:4] == demand_code[:4],
        ),
    )


def with_reasons(matches) -> list[Match]:
    """The matches with ``reasons`` (plain-language explanation, in the active language) and
    ``percent`` (the score out of 100) set; no query."""
    matches = list(matches)
    for match in matches:
        match.reasons = policy.explanation(_facts(match), match.factors)
        match.percent = round(match.score * 100)
    return matches


def with_sides(matches, *, actor) -> list[Match]:
    """``with_reasons``, plus ``my_side`` (the party the actor speaks for, as
    ``services.match_side_of`` decides, or None) and ``my_verdict`` (that side's verdict); one query
    at most, for a broker's listings, whatever the number of matches."""
    matches = with_reasons(matches)
    roles = actor_roles(actor)
    organisations = roles.member_of | roles.broker_of
    listing_ids = [match.listing_id for match in matches if match.listing_id]
    brokered = set()
    if roles.broker_of and listing_ids:
        brokered = set(actor.brokered_listings.filter(pk__in=listing_ids).values_list("pk", flat=True))
    for match in matches:
        owner = match.listing.institution_id if match.listing_id else match.achievement.filing_institution_id
        if match.demand.enterprise_id in organisations:
            match.my_side = MatchSide.DEMAND
        elif owner in organisations or match.listing_id in brokered:
            match.my_side = MatchSide.OFFER
        else:
            match.my_side = None
        match.my_verdict = getattr(match, f"{match.my_side}_verdict") if match.my_side else None
    return matches
