"""Routes of the registration import and the JJ-001 export (mounted under /api/v1/, before the
contracts' routes so that ``contracts/export/`` is not read as a contract's id)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from market.api.views import contract_imports as views

router = SimpleRouter(use_regex_path=False)
router.register("contract-imports", views.ContractImportViewSet, basename="contract-import")

urlpatterns = [
    path("contracts/export/", views.ContractExportView.as_view(), name="contract-export"),
    *router.urls,
]
