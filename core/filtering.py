"""Applying a django-filter FilterSet in a selector, the same way in every app."""

from django.db.models import QuerySet


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
