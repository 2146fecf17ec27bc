"""FilterSets for achievements, used by the selectors, pages and API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from achievements.choices import (
    ACHIEVEMENT_COOPERATION_MODES,
    AchievementStatus,
    CatalogueKind,
    CatalogueStatus,
    IPKind,
)
from achievements.models import Achievement, CatalogueEntry, IPAsset
from core import filtering
from institutions import policies as institution_policies
from institutions.choices import ClassificationScheme
from institutions.models import Classification

# The technology readiness levels of GB/T 22900-2022 (the model accepts the same).
TRL_MIN, TRL_MAX = 1, 9


def _classifications(scheme):
    return Classification.objects.filter(scheme=scheme, is_current=True)


class AchievementFilterSet(django_filters.FilterSet):
    field = django_filters.ModelChoiceFilter(
        field_name="technology_field",
        queryset=_classifications(ClassificationScheme.TECHNOLOGY_FIELD),
        to_field_name="code",
        label=_("Technology field"),
    )
    industry = django_filters.ModelChoiceFilter(
        queryset=_classifications(ClassificationScheme.INDUSTRY), to_field_name="code", label=_("Industry")
    )
    strategic_industry = django_filters.ModelChoiceFilter(
        queryset=_classifications(ClassificationScheme.STRATEGIC_INDUSTRY),
        to_field_name="code",
        label=_("Strategic emerging industry"),
    )
    trl_min = filtering.WholeNumberFilter(
        field_name="trl", lookup_expr="gte", min_value=TRL_MIN, max_value=TRL_MAX, label=_("TRL at least")
    )
    trl_max = filtering.WholeNumberFilter(
        field_name="trl", lookup_expr="lte", min_value=TRL_MIN, max_value=TRL_MAX, label=_("TRL at most")
    )
    region = django_filters.CharFilter(
        method="filter_region", label=_("Region code (includes everything under it)")
    )
    cooperation_mode = django_filters.ChoiceFilter(
        choices=ACHIEVEMENT_COOPERATION_MODES, method="filter_cooperation_mode", label=_("Cooperation mode")
    )
    ip_kind = django_filters.ChoiceFilter(choices=IPKind.choices, method="filter_ip_kind", label=_("IP type"))
    catalogue = django_filters.ChoiceFilter(
        choices=CatalogueKind.choices, method="filter_catalogue", label=_("Dual-use catalogue")
    )
    dual_use = django_filters.BooleanFilter(field_name="is_dual_use", label=_("Dual-use"))
    status = django_filters.MultipleChoiceFilter(choices=AchievementStatus.choices, label=_("Status"))
    institution = filtering.IdFilter(field_name="filing_institution_id", label=_("Filing institution id"))

    class Meta:
        model = Achievement
        fields = [
            "field",
            "industry",
            "strategic_industry",
            "trl_min",
            "trl_max",
            "region",
            "cooperation_mode",
            "ip_kind",
            "catalogue",
            "dual_use",
            "status",
            "institution",
        ]

    def filter_region(self, queryset, name, value):
        prefix = institution_policies.jurisdiction_prefix(value.strip())
        if prefix is None:
            return queryset.none()
        return queryset.filter(region__code__startswith=prefix)

    def filter_cooperation_mode(self, queryset, name, value):
        return queryset.filter(cooperation_modes__contains=[value])

    def filter_ip_kind(self, queryset, name, value):
        return queryset.filter(pk__in=IPAsset.objects.filter(kind=value).values("achievement_id"))

    def filter_catalogue(self, queryset, name, value):
        return queryset.filter(
            pk__in=CatalogueEntry.objects.filter(
                catalogue__kind=value, catalogue__status=CatalogueStatus.PUBLISHED
            ).values("achievement_id")
        )
