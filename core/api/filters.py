"""Filter backends shared by every app's API."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import filters
from rest_framework.exceptions import ValidationError


class NamedOrderingFilter(filters.OrderingFilter):
    """Orders by a whitelist of names, each standing for one or more columns.

    The view's ``ordering_fields`` maps each public name (``newest``) to the columns it sorts by, so
    clients see stable names while the columns and their tie-breakers stay an implementation detail.
    An unknown name is invalid input, a 400 naming the parameter (DRF's own filter ignores it silently,
    so a typo read as "sorted"); an empty value means the default order.
    """

    ordering_description = _("Sort order: one of the listed names.")

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in view.ordering_fields]

    def remove_invalid_fields(self, queryset, fields, view, request):
        unknown = [name for name in fields if name not in view.ordering_fields]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        gettext("Sort by one of: %(names)s.") % {"names": ", ".join(view.ordering_fields)}
                    ]
                }
            )
        return list(fields)

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*(column for name in ordering for column in view.ordering_fields[name]))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(self.ordering_description),
                "schema": {"type": "string", "enum": list(view.ordering_fields)},
            }
        ]
