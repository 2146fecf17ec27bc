"""FilterSets for listings and objections, used by the selectors, pages and API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from achievements.choices import CooperationMode
from core import filtering
from institutions import policies as institution_policies
from institutions.choices import ClassificationScheme
from institutions.models import Classification
from market.choices import ListingStatus, ObjectionStatus, PricingMethod
from market.models import Listing, ListingObjection


class ListingFilterSet(django_filters.FilterSet):
    technology_field = django_filters.ModelChoiceFilter(
        field_name="technology_field",
        queryset=Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True),
        to_field_name="code",
        label=_("Technology field"),
    )
    transaction_mode = django_filters.MultipleChoiceFilter(
        choices=CooperationMode.choices, label=_("Transaction mode")
    )
    pricing_method = django_filters.MultipleChoiceFilter(choices=PricingMethod.choices, label=_("Pricing"))
    region = django_filters.CharFilter(
        method="filter_region", label=_("Region code (includes everything under it)")
    )
    status = django_filters.MultipleChoiceFilter(choices=ListingStatus.choices, label=_("Status"))
    price_min = filtering.AmountFilter(method="filter_price_min", label=_("Price from (yuan)"))
    price_max = filtering.AmountFilter(method="filter_price_max", label=_("Price up to (yuan)"))
    institution = filtering.IdFilter(field_name="institution_id", label=_("Seller id"))

    class Meta:
        model = Listing
        fields = [
            "technology_field",
            "transaction_mode",
            "pricing_method",
            "region",
            "status",
            "price_min",
            "price_max",
            "institution",
        ]

    def filter_region(self, queryset, name, value):
        prefix = institution_policies.jurisdiction_prefix(value.strip())
        if prefix is None:
            return queryset.none()
        return queryset.filter(region__code__startswith=prefix)

    def filter_price_min(self, queryset, name, value):
        """Listings whose price (the top of a range) reaches the amount."""
        return queryset.filter(Q(price_max__gte=value) | Q(price_max__isnull=True, price__gte=value))

    def filter_price_max(self, queryset, name, value):
        """Listings whose price (the bottom of a range) is at most the amount."""
        return queryset.filter(price__lte=value)


class ObjectionFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ObjectionStatus.choices, label=_("Status"))
    listing = filtering.IdFilter(field_name="listing_id", label=_("Listing id"))

    class Meta:
        model = ListingObjection
        fields = ["status", "listing"]
