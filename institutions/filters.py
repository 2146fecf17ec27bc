"""FilterSets for the institution directory, used by the selectors, the pages and the API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions import policies
from institutions.choices import (
    ClassificationScheme,
    DesignationLevel,
    OrganisationKind,
    TransferKind,
    TransferLevel,
)
from institutions.models import Classification, Designation, Organisation, Region
from institutions.querysets import LIVE_DESIGNATION_STATUSES


class RegionFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id", label=_("Parent region code"))
    level = django_filters.ChoiceFilter(choices=Region._meta.get_field("level").choices)
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("Name contains"))

    class Meta:
        model = Region
        fields = ["parent", "level", "q"]


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    region = django_filters.CharFilter(
        method="filter_region", label=_("Region code (includes everything under it)")
    )
    kind = django_filters.MultipleChoiceFilter(choices=OrganisationKind.choices, label=_("Kind"))
    transfer_institution = django_filters.BooleanFilter(
        field_name="is_transfer_institution", label=_("Technology-transfer institutions only")
    )
    level = django_filters.ChoiceFilter(
        field_name="transfer_level", choices=TransferLevel.choices, label=_("Network level")
    )
    transfer_kind = django_filters.ChoiceFilter(choices=TransferKind.choices, label=_("Institution kind"))
    designation = django_filters.ChoiceFilter(
        method="filter_designation", choices=DesignationLevel.choices, label=_("Demonstration title")
    )
    field = django_filters.ModelChoiceFilter(
        field_name="service_fields",
        queryset=Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True),
        to_field_name="code",
        label=_("Service field"),
    )
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent institution id"))

    class Meta:
        model = Organisation
        fields = [
            "q",
            "region",
            "kind",
            "transfer_institution",
            "level",
            "transfer_kind",
            "designation",
            "field",
        ]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__contains=value)
            | Q(short_name__contains=value)
            | Q(name_en__icontains=value)
            | Q(credit_code=value.upper())
            | Q(introduction__contains=value)
        )

    def filter_region(self, queryset, name, value):
        prefix = policies.jurisdiction_prefix(value.strip())
        if prefix is None:
            return queryset.none()
        return queryset.filter(region__code__startswith=prefix)

    def filter_designation(self, queryset, name, value):
        return queryset.filter(
            pk__in=Designation.objects.filter(level=value, status__in=LIVE_DESIGNATION_STATUSES).values(
                "organisation_id"
            )
        )
