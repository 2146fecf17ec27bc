"""Pages of the market under /market/ (namespace ``market``), one module per sub-domain."""

from django.urls import include, path

app_name = "market"

urlpatterns = [
    path("", include("market.urls.home")),
    path("", include("market.urls.listings")),
    path("", include("market.urls.demands")),
    path("", include("market.urls.deals")),
    path("", include("market.urls.contract_imports")),
    path("", include("market.urls.contracts")),
    path("", include("market.urls.matching")),
]
