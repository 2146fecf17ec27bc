"""The site's error pages (``handler400/403/404/500`` in ``config/urls.py``).

A person gets the branded page in their language (``templates/<status>.html``); an API client, under
``/api/``, gets the API's error body ``{"code", "detail", "fields"}`` as JSON, which the schema
documents, never an HTML page. The 500 answer reads no database and needs no request context.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def is_api(request) -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _api_error(code: str, detail: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail, "fields": {}}, status=status)


def api_error_for_status(status: int) -> JsonResponse:
    """The API's body for an error Django answered on its own (``core.middleware.ApiErrorMiddleware``)."""
    if status == 405:
        return _api_error("method_not_allowed", _("This method is not allowed here."), 405)
    return _api_error("not_found", _("Not found."), 404)


def bad_request(request, exception, template_name="400.html"):
    if is_api(request):
        return _api_error("bad_request", _("The request could not be understood."), 400)
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name="403.html"):
    if is_api(request):
        return _api_error("permission_denied", _("You do not have permission to perform this action."), 403)
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request, exception, template_name="404.html"):
    if is_api(request):
        return _api_error("not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name="500.html"):
    if is_api(request):
        return _api_error("server_error", _("A server error occurred."), 500)
    return defaults.server_error(request, template_name)
