"""Routes of the achievements API, mounted under /api/v1/ (namespace ``api``), one module per sub-domain."""

from django.urls import include, path

urlpatterns = [
    path("", include("achievements.api.urls.filings")),
    path("", include("achievements.api.urls.catalogues")),
    path("", include("achievements.api.urls.imports")),
]
