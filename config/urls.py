"""URL map: pages (with a language switch), the REST API under /api/v1/, its schema and docs."""

from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("institutions.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("achievements.api.urls")),
    path("", include("market.api.urls")),
]

urlpatterns = [
    path("", include("institutions.urls.home")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("institutions/", include("institutions.urls.organisations")),
    path("audit/", include("institutions.urls.audit")),
    path("todo/", include("institutions.urls.todo")),
    path("achievements/", include("achievements.urls.filings")),
    path("achievements/import/", include("achievements.urls.imports")),
    path("catalogues/", include("achievements.urls.catalogues")),
    path("market/", include("market.urls")),
    path("verify/", include("market.urls.verification")),
    path("notifications/", include("notifications.urls")),
    # One way in: the admin site's own form would skip the lock-out page and the second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Redoc builds its search index in a worker made from a blob: URL and shows Redocly's logo from
    # their site: the one page whose policy allows them.
    path(
        "api/redoc/",
        csp_update({"worker-src": [SELF, "blob:"], "img-src": ["https://cdn.redoc.ly"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
]

# Branded pages for people, the API's JSON error body under /api/ (core/views.py).
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
