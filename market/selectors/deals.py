"""Reads of inquiries, their threads, deals and broker engagements. Every read starts from the
model's ``visible_to(actor)``: the members of both parties and the brokers on the listing or the deal;
officials and registration bodies see signed deals only, as the querysets decide.
"""

from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from core.filtering import apply_filterset
from institutions.choices import MembershipRole
from institutions.models import Membership
from institutions.roles import actor_roles
from market import policies
from market.choices import DealStatus, InquiryStatus, ObjectionStatus
from market.filters.deals import DealFilterSet, InquiryFilterSet
from market.models import Deal, DealBroker, Inquiry, InquiryMessage, ListingObjection

INQUIRY_ORDERINGS = {
    "recent": ("-last_message_at", "-pk"),
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
}
DEAL_ORDERINGS = {
    "updated": ("-updated_at", "-pk"),
    "newest": ("-created_at", "-pk"),
    "signed": ("-signed_on", "-pk"),
    "amount": ("-amount", "-pk"),
}


def _filtered(queryset, filterset_class, *, actor, filters):
    queryset = apply_filterset(queryset, filterset_class, filters, actor=actor)
    return queryset


def _message_count():
    counts = (
        InquiryMessage.objects.filter(inquiry=OuterRef("pk"))
        .order_by()
        .values("inquiry")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def inquiry_visible_queryset(*, actor) -> QuerySet[Inquiry]:
    return Inquiry.objects.visible_to(actor)


def inquiry_list(*, actor, filters: dict | None = None, ordering: str = "") -> QuerySet[Inquiry]:
    """My inquiries: as a member of the seller or the buyer, or as a broker; newest activity first."""
    queryset = _filtered(
        inquiry_visible_queryset(actor=actor), InquiryFilterSet, actor=actor, filters=filters
    )
    queryset = (
        queryset.select_related("listing", "demand", "seller", "buyer", "deal")
        .annotate(message_count=_message_count())
        .order_by(*INQUIRY_ORDERINGS.get(ordering, INQUIRY_ORDERINGS["recent"]))
    )
    if actor_roles(actor).broker_of:
        # A broker takes part through the listing's brokers or the deal's engagements: the rules read
        # them for each row's actions, so they come in two queries, not one per row.
        queryset = queryset.prefetch_related("listing__brokers", "deal__broker_engagements")
    return queryset


def inquiry_get(*, pk: int, actor) -> Inquiry:
    """One thread with its messages, and what the permission rules read (the listing's brokers, the
    deal's engagements)."""
    try:
        return (
            inquiry_visible_queryset(actor=actor)
            .select_related(
                "listing__institution",
                "demand__enterprise",
                "seller__region",
                "buyer__region",
                "opened_by",
                "deal",
            )
            .prefetch_related(
                "listing__brokers",
                "deal__broker_engagements",
                Prefetch("messages", queryset=InquiryMessage.objects.select_related("author")),
            )
            .get(pk=pk)
        )
    except Inquiry.DoesNotExist as error:
        raise Http404 from error


def inquiry_messages(*, inquiry: Inquiry) -> QuerySet[InquiryMessage]:
    return inquiry.messages.select_related("author").order_by("created_at", "pk")


def _engagements():
    return Prefetch(
        "broker_engagements",
        queryset=DealBroker.objects.select_related("broker", "agency", "engaged_by").order_by("pk"),
    )


def _open_objections():
    counts = (
        ListingObjection.objects.filter(listing=OuterRef("listing_id"), status=ObjectionStatus.OPEN)
        .order_by()
        .values("listing")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def deal_visible_queryset(*, actor) -> QuerySet[Deal]:
    return Deal.objects.visible_to(actor)


def _listing_held_by_another():
    """Whether another signed deal holds the deal's listing alone (``Deal.exclusive_listing``)."""
    return Exists(Deal.objects.filter(exclusive_listing_id=OuterRef("listing_id")).exclude(pk=OuterRef("pk")))


def deal_signing_blocker(deal: Deal) -> str | None:
    """Why a deal under negotiation cannot be signed now, from the listing joined by the selectors,
    their count of its open objections and whether another signed deal holds the listing alone (the
    rules ``deal_confirm`` applies)."""
    if deal.status != DealStatus.NEGOTIATING or deal.listing_id is None:
        return None
    blocker = policies.signing_blocker(
        listing_status=deal.listing.status,
        publicity_ends_at=deal.listing.publicity_ends_at,
        open_objections=getattr(deal, "listing_open_objections", 0),
        now=timezone.now(),
    )
    if blocker is None and getattr(deal, "listing_held_by_another", False):
        return policies.listing_taken_message(deal.listing.transaction_mode)
    return blocker


def deal_list(*, actor, filters: dict | None = None, ordering: str = "") -> QuerySet[Deal]:
    """My deals (selling, buying or brokering), with the parties and brokers every row shows."""
    queryset = _filtered(deal_visible_queryset(actor=actor), DealFilterSet, actor=actor, filters=filters)
    return (
        queryset.select_related("seller", "buyer", "listing", "demand", "contract")
        .annotate(
            listing_open_objections=_open_objections(), listing_held_by_another=_listing_held_by_another()
        )
        .prefetch_related(_engagements())
        .order_by(*DEAL_ORDERINGS.get(ordering, DEAL_ORDERINGS["updated"]))
    )


def deal_get(*, pk: int, actor) -> Deal:
    try:
        return (
            deal_visible_queryset(actor=actor)
            .select_related(
                "seller__region",
                "buyer__region",
                "listing__institution",
                "demand__enterprise",
                "inquiry",
                "contract",
                "created_by",
            )
            .annotate(
                listing_open_objections=_open_objections(), listing_held_by_another=_listing_held_by_another()
            )
            .prefetch_related(_engagements())
            .get(pk=pk)
        )
    except Deal.DoesNotExist as error:
        raise Http404 from error


def deal_contract(deal: Deal):
    """The deal's registration form, if one was started (read from the joined row; no query)."""
    try:
        return deal.contract
    except Deal.contract.RelatedObjectDoesNotExist:
        return None


def engagement_commission(engagement: DealBroker, deal: Deal) -> Decimal | None:
    """The broker's commission as far as it is known at signing (policies.commission)."""
    return policies.commission(
        fee_basis=engagement.fee_basis,
        rate_percent=engagement.rate_percent,
        fee_amount=engagement.fee_amount,
        contract_amount=deal.amount,
    )


def engagement_get(*, pk: int, deal: Deal) -> DealBroker:
    for engagement in deal.broker_engagements.all():
        if engagement.pk == pk:
            return engagement
    raise Http404


# What waits on a party (the to-do page, ``market.todo``) ------------------------------------------


def _spoke_last(party_field: str) -> Exists:
    """Whether the thread's last message came from a member of the party in ``party_field``."""
    return Exists(
        Membership.objects.active().filter(
            user_id=OuterRef("last_author_id"),
            organisation_id=OuterRef(party_field),
            role__in=(MembershipRole.ADMIN, MembershipRole.STAFF),
        )
    )


def inquiry_awaiting_answer_list(*, actor) -> QuerySet[Inquiry]:
    """Open inquiries whose last message did not come from the actor's side (the other party, or a
    broker, spoke last): the actor's organisation owes an answer. Longest waiting first."""
    member_of = actor_roles(actor).member_of
    if not member_of:
        return Inquiry.objects.none()
    last_author = (
        InquiryMessage.objects.filter(inquiry=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("author_id")
    )
    return (
        Inquiry.objects.filter(
            Q(seller_id__in=member_of) | Q(buyer_id__in=member_of), status=InquiryStatus.OPEN
        )
        .annotate(last_author_id=Subquery(last_author[:1]))
        .annotate(seller_spoke_last=_spoke_last("seller_id"), buyer_spoke_last=_spoke_last("buyer_id"))
        .filter(
            Q(seller_id__in=member_of, seller_spoke_last=False)
            | Q(buyer_id__in=member_of, buyer_spoke_last=False)
        )
        .select_related("seller", "buyer")
        .order_by("last_message_at", "pk")
    )


def deal_awaiting_confirmation_list(*, actor) -> QuerySet[Deal]:
    """Deals under negotiation whose terms the actor's side has not confirmed yet, oldest change first."""
    member_of = actor_roles(actor).member_of
    return (
        Deal.objects.filter(status=DealStatus.NEGOTIATING)
        .filter(
            Q(seller_id__in=member_of, seller_confirmed_at__isnull=True)
            | Q(buyer_id__in=member_of, buyer_confirmed_at__isnull=True)
        )
        .select_related("seller", "buyer")
        .order_by("updated_at", "pk")
    )


def deal_awaiting_contract_list(*, actor) -> QuerySet[Deal]:
    """Signed deals whose contract the actor's organisation, as the seller (the applicant), has still to
    submit for registration, or to correct and submit again after a refusal; oldest change first."""
    member_of = actor_roles(actor).member_of
    return (
        Deal.objects.filter(status__in=(DealStatus.AGREED, DealStatus.REJECTED), seller_id__in=member_of)
        .select_related("seller", "buyer")
        .order_by("updated_at", "pk")
    )
