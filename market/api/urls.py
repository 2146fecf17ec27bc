"""Routes of the market API, mounted under /api/v1/ (namespace ``api``), one module per sub-domain."""

from django.urls import include, path

urlpatterns = [
    path("", include("market.api.urls_listings")),
    path("", include("market.api.urls_demands")),
    path("", include("market.api.urls_deals")),
    path("", include("market.api.urls_contracts")),
    path("", include("market.api.urls_matching")),
]
