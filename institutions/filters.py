"""FilterSets for the institution directory, used by the selectors, the pages and the API alike."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core import filtering
from institutions import policies, tracking
from institutions.choices import (
    ClassificationScheme,
    DesignationLevel,
    OrganisationKind,
    TransferKind,
    TransferLevel,
)
from institutions.models import AuditEvent, Classification, Designation, Organisation, Region
from institutions.querysets import LIVE_DESIGNATION_STATUSES
from institutions.roles import actor_roles


class RegionFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id", label=_("Parent region code"))
    province = django_filters.CharFilter(
        method="filter_province",
        label=_("Province code (six digits ending 0000): the province and everything in it"),
        validators=[RegexValidator(r"^\d{2}0000$", _("Give a province's six-digit code, e.g. 510000."))],
    )
    level = django_filters.ChoiceFilter(choices=Region._meta.get_field("level").choices)
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("Name contains"))

    class Meta:
        model = Region
        fields = ["parent", "province", "level", "q"]

    def filter_province(self, queryset, name, value):
        return queryset.filter(code__startswith=value[:2])


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
    parent = filtering.IdFilter(field_name="parent_id", label=_("Parent institution id"))

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


_DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _audit_institutions(request):
    """The institutions a reader may pick: those in their jurisdiction (all without a request)."""
    organisations = Organisation.objects.order_by("name")
    if request is None or actor_roles(request.user).is_platform_admin:
        return organisations
    return organisations.in_regions(actor_roles(request.user).jurisdiction_prefixes)


@extend_schema_field(OpenApiTypes.INT)
class _InstitutionFilter(django_filters.ModelChoiceFilter):
    """An institution by its id (the schema says so; django-filter cannot tell a method's input)."""


class AuditEventFilterSet(django_filters.FilterSet):
    """Filters of the audit log (审计日志), on the page, in its export and in the API."""

    object_type = django_filters.ChoiceFilter(
        choices=tracking.object_type_choices, method="filter_object_type", label=_("Object type")
    )
    actor = django_filters.CharFilter(method="filter_actor", label=_("Changed by (username or name)"))
    # Days in the platform's time zone (Asia/Shanghai), as the page shows the times.
    date_from = django_filters.DateFilter(
        field_name="pgh_created_at", lookup_expr="date__gte", label=_("From (date)"), widget=_DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        field_name="pgh_created_at", lookup_expr="date__lte", label=_("To (date)"), widget=_DATE_INPUT
    )
    # Applied by the selector, which intersects it with the reader's jurisdiction.
    institution = _InstitutionFilter(
        queryset=_audit_institutions, method="filter_nothing", label=_("Institution")
    )

    class Meta:
        model = AuditEvent
        fields = ["object_type", "actor", "date_from", "date_to", "institution"]

    def filter_object_type(self, queryset, name, value: str):
        return queryset.across(*tracking.event_models(value))

    def filter_actor(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(Q(user__username__icontains=value) | Q(user__full_name__icontains=value))

    def filter_nothing(self, queryset, name, value):
        return queryset
