"""Routes of the market API, mounted under /api/v1/ (namespace ``api``), one module per sub-domain."""

from django.urls import include, path

urlpatterns = [
    path("", include("market.api.urls.listings")),
    path("", include("market.api.urls.demands")),
    path("", include("market.api.urls.deals")),
    path("", include("market.api.urls.contract_imports")),
    path("", include("market.api.urls.contracts")),
    path("", include("market.api.urls.matching")),
]
