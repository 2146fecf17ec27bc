"""Request-wide middleware: a request id on every request, and the audit context for pghistory."""

import re
import uuid

from axes.helpers import get_client_ip_address
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
