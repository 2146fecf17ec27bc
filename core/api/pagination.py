"""Page-number pagination with a client-chosen page size, capped (DESIGN.md API conventions).

A page that is not a positive whole number, or lies past the last page, and a page size that is not a
positive whole number are invalid input: a 400 with the error body naming the parameter, as the
schema of every list promises (DRF's own pagination answers an invalid page with an undocumented 404
and ignores a bad page size). A page size above the maximum is capped, as documented.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


def _positive_whole_number(value: str) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        size = _positive_whole_number(raw)
        if size is None:
            raise ValidationError({self.page_size_query_param: [_("Enter a whole number of 1 or more.")]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw not in (None, "", *self.last_page_strings) and _positive_whole_number(raw) is None:
            raise ValidationError({self.page_query_param: [_("Enter a whole number of 1 or more.")]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:  # DRF's answer to a page past the last one
            raise ValidationError({self.page_query_param: [_("There is no such page.")]}) from error

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
                parameter["description"] = (
                    f"Number of results to return per page (at most {self.max_page_size}; larger values "
                    "are capped)."
                )
        return parameters
