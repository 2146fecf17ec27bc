"""FilterSets of inquiries and deals, used by the selectors, pages and API alike.

The ``side`` filter asks which part the actor plays: selling (a member of the seller), buying (a
member of the buyer) or brokering (a broker on the listing or engaged on the deal). It needs the
actor, taken from the request (API) or passed in (selectors).
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import filtering
from institutions.roles import actor_roles
from market.choices import DealStatus, InquiryStatus
from market.models import Deal, Inquiry

SIDE_SELLING = "selling"
SIDE_BUYING = "buying"
SIDE_BROKERING = "brokering"
SIDE_CHOICES = [
    (SIDE_SELLING, _("Selling")),
    (SIDE_BUYING, _("Buying")),
    (SIDE_BROKERING, _("Brokering")),
]


class _ActorFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, actor=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.actor = actor if actor is not None else getattr(request, "user", None)

    def _member_of(self):
        return actor_roles(self.actor).member_of


class InquiryFilterSet(_ActorFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=InquiryStatus.choices, label=_("Status"))
    side = django_filters.ChoiceFilter(choices=SIDE_CHOICES, method="filter_side", label=_("My side"))

    class Meta:
        model = Inquiry
        fields = ["status", "side"]

    def filter_side(self, queryset, name, value):
        member_of = self._member_of()
        if value == SIDE_SELLING:
            return queryset.filter(seller_id__in=member_of)
        if value == SIDE_BUYING:
            return queryset.filter(buyer_id__in=member_of)
        user_pk = getattr(self.actor, "pk", None)
        brokered = Inquiry.objects.filter(
            Q(listing__brokers__pk=user_pk) | Q(deal__broker_engagements__broker_id=user_pk)
        )
        return queryset.filter(pk__in=brokered.values("pk"))


class DealFilterSet(_ActorFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DealStatus.choices, label=_("Status"))
    side = django_filters.ChoiceFilter(choices=SIDE_CHOICES, method="filter_side", label=_("My side"))
    year = filtering.YearFilter(method="filter_year", label=_("Year (signed, or opened when not signed yet)"))

    class Meta:
        model = Deal
        fields = ["status", "side", "year"]

    def filter_side(self, queryset, name, value):
        member_of = self._member_of()
        if value == SIDE_SELLING:
            return queryset.filter(seller_id__in=member_of)
        if value == SIDE_BUYING:
            return queryset.filter(buyer_id__in=member_of)
        user_pk = getattr(self.actor, "pk", None)
        return queryset.filter(pk__in=Deal.objects.filter(broker_engagements__broker_id=user_pk).values("pk"))

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(Q(signed_on__year=year) | Q(signed_on__isnull=True, created_at__year=year))
