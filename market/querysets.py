"""Query vocabulary of the market; ``visible_to`` is the one place each record's visibility is decided."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from institutions.roles import actor_roles
from market.choices import (
    OPEN_LISTING_STATUSES,
    PUBLIC_LISTING_STATUSES,
    ContractSource,
    ContractStatus,
    DealStatus,
    DemandStatus,
    InquiryStatus,
    ListingStatus,
)

PUBLIC_DEMAND_STATUSES = (DemandStatus.PUBLISHED, DemandStatus.CLOSED)


def _in_regions(field: str, prefixes) -> Q:
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


class ListingQuerySet(models.QuerySet):
    def public(self):
        """On the market (挂牌技术): what the board and the API list and the market home counts."""
        return self.filter(status__in=PUBLIC_LISTING_STATUSES)

    def open_for_inquiries(self):
        """In publicity or listed: a buyer may inquire."""
        return self.filter(status__in=OPEN_LISTING_STATUSES)

    def visible_to(self, user):
        """Public listings for everyone; every listing of their own institution for its members and
        partner systems; anything past draft in their jurisdiction for officials; all for admins."""
        roles = actor_roles(user)
        if roles.is_platform_admin:
            return self
        condition = Q(status__in=PUBLIC_LISTING_STATUSES)
        if roles.is_authenticated:
            condition |= Q(institution_id__in=roles.member_of | roles.partner_of)
            condition |= Q(brokers=user) if roles.broker_of else Q(pk__in=[])
            if roles.is_official:
                condition |= ~Q(status=ListingStatus.DRAFT) & _in_regions(
                    "institution__region__code", roles.jurisdiction_prefixes
                )
        queryset = self.filter(condition)
        return queryset.distinct() if roles.broker_of else queryset


class DemandQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC_DEMAND_STATUSES)

    def open(self):
        return self.filter(status=DemandStatus.PUBLISHED, deadline__gte=timezone.localdate())

    def visible_to(self, user):
        roles = actor_roles(user)
        if roles.is_platform_admin:
            return self
        condition = Q(status__in=PUBLIC_DEMAND_STATUSES)
        if roles.is_authenticated:
            condition |= Q(enterprise_id__in=roles.member_of)
            if roles.is_official:
                condition |= ~Q(status=DemandStatus.DRAFT) & _in_regions(
                    "enterprise__region__code", roles.jurisdiction_prefixes
                )
        return self.filter(condition)


class InquiryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=InquiryStatus.OPEN)

    def visible_to(self, user):
        """A private thread: the members of both parties and the brokers engaged on its deal or
        named on its listing; nobody else, officials included."""
        roles = actor_roles(user)
        if roles.is_platform_admin:
            return self
        if not roles.is_authenticated:
            return self.none()
        condition = Q(seller_id__in=roles.member_of) | Q(buyer_id__in=roles.member_of)
        if roles.broker_of:
            condition |= Q(listing__brokers=user) | Q(deal__broker_engagements__broker=user)
            return self.filter(condition).distinct()
        return self.filter(condition)


class DealQuerySet(models.QuerySet):
    def signed(self):
        return self.exclude(status__in=(DealStatus.NEGOTIATING, DealStatus.CANCELLED))

    def visible_to(self, user):
        """The parties and their engaged brokers; officials over either party once the deal is
        signed; the registration body it was submitted to."""
        roles = actor_roles(user)
        if roles.is_platform_admin:
            return self
        if not roles.is_authenticated:
            return self.none()
        condition = Q(seller_id__in=roles.member_of) | Q(buyer_id__in=roles.member_of)
        if roles.broker_of:
            condition |= Q(broker_engagements__broker=user)
        if roles.registrar_of:
            condition |= Q(contract__registration_body_id__in=roles.registrar_of) & ~Q(
                status__in=(DealStatus.NEGOTIATING, DealStatus.AGREED, DealStatus.CANCELLED)
            )
        if roles.is_official:
            region_condition = _in_regions("seller__region__code", roles.jurisdiction_prefixes) | _in_regions(
                "buyer__region__code", roles.jurisdiction_prefixes
            )
            condition |= region_condition & ~Q(status__in=(DealStatus.NEGOTIATING, DealStatus.CANCELLED))
        queryset = self.filter(condition)
        return queryset.distinct() if roles.broker_of else queryset


class ContractQuerySet(models.QuerySet):
    def registered(self):
        """Registered and not cancelled (注销): what the statistics count."""
        return self.filter(status=ContractStatus.REGISTERED)

    def disclosed(self, on=None):
        """Registered deals whose disclosure period (成交公示) includes ``on`` (today by default)."""
        day = on or timezone.localdate()
        return self.filter(
            status=ContractStatus.REGISTERED, disclosure_starts_on__lte=day, disclosure_ends_on__gte=day
        )

    def awaiting_decision(self):
        return self.filter(status=ContractStatus.SUBMITTED)

    def visible_to(self, user):
        """The applicant and the parties on the platform, the brokers of a deal, the registration body
        (every submitted form, and the paper applications it is entering), and officials over the seller's
        region (the applicant's locality)."""
        roles = actor_roles(user)
        if roles.is_platform_admin:
            return self
        if not roles.is_authenticated:
            return self.none()
        condition = (
            Q(applicant_id__in=roles.member_of | roles.partner_of)
            | Q(seller_organisation_id__in=roles.member_of)
            | Q(buyer_organisation_id__in=roles.member_of)
        )
        if roles.broker_of:
            condition |= Q(deal__broker_engagements__broker=user)
        if roles.registrar_of:
            condition |= Q(registration_body_id__in=roles.registrar_of) & (
                Q(submitted_at__isnull=False) | Q(source=ContractSource.PAPER)
            )
        if roles.is_official:
            condition |= Q(submitted_at__isnull=False) & _in_regions(
                "seller_region_code", roles.jurisdiction_prefixes
            )
        queryset = self.filter(condition)
        return queryset.distinct() if roles.broker_of else queryset


class MatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A match is shown to both sides: the demand's enterprise (its members and brokers) and the
        officials over it; the offer's institution (members and brokers), the brokers named on the
        listing and the officials over the institution. Never to other enterprises or the public."""
        roles = actor_roles(user)
        if roles.is_platform_admin:
            return self
        if not roles.is_authenticated:
            return self.none()
        return self.filter(self.demand_side(roles) | self.offer_side(user, roles))

    @staticmethod
    def demand_side(roles, *, as_official: bool = True) -> Q:
        """The demand's party (members and brokers of its enterprise) and, ``as_official``, the
        officials over it."""
        condition = Q(demand__enterprise_id__in=roles.member_of | roles.broker_of)
        if as_official and roles.is_official:
            condition |= _in_regions("demand__enterprise__region__code", roles.jurisdiction_prefixes)
        return condition

    @staticmethod
    def offer_side(user, roles, *, as_official: bool = True) -> Q:
        """The offer's party (members and brokers of its institution, the listing's brokers) and,
        ``as_official``, the officials over it."""
        organisations = roles.member_of | roles.broker_of
        condition = Q(listing__institution_id__in=organisations) | Q(
            achievement__filing_institution_id__in=organisations
        )
        if roles.broker_of:
            # A subquery, not a join, so that a listing with several brokers yields its match once.
            condition |= Q(listing_id__in=models.Subquery(user.brokered_listings.values("pk")))
        if as_official and roles.is_official:
            condition |= _in_regions("listing__institution__region__code", roles.jurisdiction_prefixes)
            condition |= _in_regions(
                "achievement__filing_institution__region__code", roles.jurisdiction_prefixes
            )
        return condition


class MatchFeedbackQuerySet(models.QuerySet):
    def dismissals(self):
        return self.filter(verdict="not_relevant")
