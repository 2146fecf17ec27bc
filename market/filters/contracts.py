"""FilterSets of contract registration: the registrar's queue, the contracts API and the public
disclosure board (成交公示). Used by the selectors, the pages and the API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core import filtering
from institutions.models import Region
from market.choices import ContractCategory, ContractSource, ContractStatus
from market.models import ContractRegistration


def _cities():
    return Region.objects.home().cities().order_by("code")


def _city_prefix(region: Region) -> str:
    return region.code[:4]


@extend_schema_field(OpenApiTypes.STR)
class CityFilter(django_filters.ModelChoiceFilter):
    """A city (市/州) by its 6-digit GB/T 2260 code, e.g. ``510100``; matches everything under it."""


class _ContractFilterSetBase(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        field_name="contract_category",
        choices=ContractCategory.choices,
        label=_("Contract category"),
        empty_label=_("All categories"),
    )


class RegistrationQueueFilterSet(_ContractFilterSetBase):
    """The registrar's queue: by category, year of application and the seller's city."""

    year = filtering.YearFilter(field_name="submitted_at__year", label=_("Year of application"))
    city = CityFilter(
        queryset=_cities(), method="filter_city", label=_("Seller's city"), empty_label=_("All cities")
    )

    class Meta:
        model = ContractRegistration
        fields = ["category", "year", "city"]

    def filter_city(self, queryset, name, value):
        return queryset.filter(seller_region_code__startswith=_city_prefix(value))


class ContractFilterSet(RegistrationQueueFilterSet):
    """The contracts an actor may see, through the API."""

    status = django_filters.MultipleChoiceFilter(choices=ContractStatus.choices, label=_("Status"))
    source = django_filters.MultipleChoiceFilter(
        choices=ContractSource.choices, label=_("Source of the registration")
    )
    deal = filtering.IdFilter(field_name="deal_id", label=_("Deal id"))

    class Meta:
        model = ContractRegistration
        fields = ["category", "year", "city", "status", "source", "deal"]


class DisclosureFilterSet(_ContractFilterSetBase):
    """The public disclosure board: by city (seller or buyer), category and year of registration."""

    year = filtering.YearFilter(field_name="registered_at__year", label=_("Year of registration"))
    city = CityFilter(
        queryset=_cities(),
        method="filter_city",
        label=_("City (seller or buyer)"),
        empty_label=_("All cities"),
    )

    class Meta:
        model = ContractRegistration
        fields = ["category", "year", "city"]

    def filter_city(self, queryset, name, value):
        prefix = _city_prefix(value)
        return queryset.filter(
            Q(seller_region_code__startswith=prefix) | Q(buyer_region_code__startswith=prefix)
        )


class MyContractFilterSet(_ContractFilterSetBase):
    """The applicant's own registrations: by status, category, source and year of signing."""

    status = django_filters.ChoiceFilter(
        choices=ContractStatus.choices, label=_("Status"), empty_label=_("All statuses")
    )
    source = django_filters.ChoiceFilter(
        choices=ContractSource.choices, label=_("Source of the registration"), empty_label=_("All sources")
    )
    year = filtering.YearFilter(field_name="signed_on__year", label=_("Year of signing"))

    class Meta:
        model = ContractRegistration
        fields = ["status", "category", "source", "year"]
