"""Applying a django-filter FilterSet in a selector, the same way in every app."""

import django_filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

# The money columns' ``DecimalField(max_digits=14, decimal_places=2)``.
AMOUNT_MAX_DIGITS = 14
AMOUNT_DECIMAL_PLACES = 2


def apply_filterset(
    queryset: QuerySet, filterset_class, filters: dict | None, **filterset_kwargs
) -> QuerySet:
    """``queryset`` narrowed by ``filters`` through ``filterset_class``.

    ``filters=None`` leaves the queryset as it is (the API's filter backend applies the same FilterSet
    itself); a filter value that does not validate gives no rows rather than every row, so a mistyped
    filter never reads as "everything matches".
    """
    if filters is None:
        return queryset
    filterset = filterset_class(filters, queryset=queryset, **filterset_kwargs)
    return filterset.qs if filterset.is_valid() else queryset.none()


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    """A calendar year, a whole number from 1 to 9999 (what a date can hold). Anything else makes the
    FilterSet invalid (a 400 in the API, no rows on a page) rather than reaching the database."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number, by default one that fits the database's ``bigint`` (pass ``min_value`` and
    ``max_value`` for a narrower column). Django-filter's own ``NumberFilter`` takes any decimal, and
    one beyond the column (``?trl_min=1e100000``) failed in PostgreSQL; here it makes the FilterSet
    invalid."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.DECIMAL)
class AmountFilter(django_filters.NumberFilter):
    """An amount of money in yuan, as the money columns hold it: at least 0, at most 12 digits before
    the point and 2 after. Anything else makes the FilterSet invalid rather than overflowing
    PostgreSQL's ``numeric``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_digits", AMOUNT_MAX_DIGITS)
        kwargs.setdefault("decimal_places", AMOUNT_DECIMAL_PLACES)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An object's id, a whole number that fits the database's ``bigint``; anything else makes the
    FilterSet invalid instead of a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
