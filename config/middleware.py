"""Request-wide middleware: a request id on every request, the audit context for pghistory, and the
refusal of NUL characters that PostgreSQL cannot take."""

import re
import uuid

from axes.helpers import get_client_ip_address
from django.core.exceptions import BadRequest
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from pghistory.middleware import HistoryMiddleware

_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request) -> str | None:
    """The client's address as the proxy chain reports it (the same rule django-axes uses)."""
    return get_client_ip_address(request)


class RequestIdMiddleware:
    """Gives every request an id (kept from ``X-Request-ID`` when well-formed) and echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class AuditContextMiddleware(HistoryMiddleware):
    """Records the acting user, IP address, URL and request id with every audited change."""

    def get_context(self, request):
        context = super().get_context(request)
        context["ip"] = client_ip(request)
        context["request_id"] = getattr(request, "request_id", None)
        context["method"] = request.method
        return context


class DefaultLanguageMiddleware:
    """Pages speak Chinese unless the person chose English; the API follows ``Accept-Language``.

    Django's ``LocaleMiddleware`` would otherwise serve English to every browser set up in English.
    Runs before it and hides the browser's preference outside ``/api/``, so a page's language is the
    language cookie (set by the switcher) or ``LANGUAGE_CODE``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/api" and not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL character in the path, the query string or a posted form is refused at the edge.

    PostgreSQL cannot store or even compare a string holding NUL (``\\x00``): psycopg raises
    ``DataError`` wherever such a value reaches a query, so ``/api/v1/regions/%00/`` was a 500. No
    URL, filter or form of the site can mean a NUL, so the path is "not found" (404) and a query string
    or form carrying one is a bad request (400), each with the usual page or API error body, before any
    view looks the value up. (The API's JSON bodies are checked by ``core.api.parsers.JSONParser``.)
    """

    _FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        if _holds_nul(request.GET):
            raise BadRequest("NUL character in the query string")
        if request.method == "POST" and request.content_type in self._FORM_TYPES and _form_holds_nul(request):
            raise BadRequest("NUL character in a form field")
        return self.get_response(request)


def _form_holds_nul(request) -> bool:
    try:
        fields, uploads = request.POST, request.FILES
    except MultiPartParserError as error:  # read here first for the API (its views skip the CSRF check)
        raise BadRequest("malformed multipart body") from error
    return _holds_nul(fields) or any("\x00" in (upload.name or "") for upload in uploads.values())


def _holds_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())
