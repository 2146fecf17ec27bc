"""FilterSets of technology demands (技术需求), used by the selectors, the pages and the API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from achievements.choices import CooperationMode
from core import filtering
from institutions import policies as institution_policies
from institutions.choices import ClassificationScheme
from institutions.models import Classification
from market.choices import DemandStatus
from market.models import Demand


class DemandFilterSet(django_filters.FilterSet):
    """Filters every list of demands shares: the board, "my demands" and the review queue."""

    technology_field = django_filters.ModelChoiceFilter(
        field_name="technology_field",
        queryset=Classification.objects.filter(scheme=ClassificationScheme.TECHNOLOGY_FIELD, is_current=True),
        to_field_name="code",
        label=_("Technology field"),
    )
    cooperation_mode = django_filters.ChoiceFilter(
        choices=CooperationMode.choices, label=_("Preferred cooperation mode")
    )
    region = django_filters.CharFilter(
        method="filter_region", label=_("Region code (includes everything under it)")
    )
    budget_from = filtering.AmountFilter(
        method="filter_budget_from",
        label=_("Budget reaches at least (yuan)"),
    )
    budget_to = filtering.AmountFilter(
        method="filter_budget_to",
        label=_("Budget starts at most at (yuan)"),
    )
    deadline_after = django_filters.DateFilter(
        field_name="deadline", lookup_expr="gte", label=_("Answer by on or after")
    )
    deadline_before = django_filters.DateFilter(
        field_name="deadline", lookup_expr="lte", label=_("Answer by on or before")
    )
    status = django_filters.MultipleChoiceFilter(choices=DemandStatus.choices, label=_("Status"))
    enterprise = filtering.IdFilter(field_name="enterprise_id", label=_("Enterprise id"))

    class Meta:
        model = Demand
        fields = [
            "technology_field",
            "cooperation_mode",
            "region",
            "budget_from",
            "budget_to",
            "deadline_after",
            "deadline_before",
            "status",
            "enterprise",
        ]

    def filter_region(self, queryset, name, value):
        prefix = institution_policies.jurisdiction_prefix(value.strip())
        if prefix is None:
            return queryset.none()
        return queryset.filter(region__code__startswith=prefix)

    def filter_budget_from(self, queryset, name, value):
        # The demand's budget range overlaps [value, ∞): its upper end reaches the value, or it has
        # only a lower end. A demand without a budget (面议) says nothing and is left out.
        return queryset.filter(
            Q(budget_max__gte=value) | Q(budget_max__isnull=True, budget_min__isnull=False)
        )

    def filter_budget_to(self, queryset, name, value):
        return queryset.filter(
            Q(budget_min__lte=value) | Q(budget_min__isnull=True, budget_max__isnull=False)
        )


class DemandBoardFilterSet(DemandFilterSet):
    """The public board: open demands (published, answer-by date not passed) unless asked for the
    closed and expired ones too."""

    include_closed = django_filters.BooleanFilter(
        method="filter_include_closed", label=_("Include closed and expired demands")
    )

    class Meta(DemandFilterSet.Meta):
        fields = [*DemandFilterSet.Meta.fields, "include_closed"]

    def filter_include_closed(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which also sees it missing

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("include_closed"):
            queryset = queryset.open()
        return super().filter_queryset(queryset)
