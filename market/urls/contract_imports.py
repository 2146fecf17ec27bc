"""Pages of the registration import and the JJ-001 export (namespace ``market``)."""

from django.urls import path

from market.views import contract_imports as views

urlpatterns = [
    path("contract-imports/", views.contract_import_start, name="contract-import-start"),
    path("contract-imports/template/", views.contract_import_template, name="contract-import-template"),
    path("contract-imports/<int:pk>/", views.contract_import_detail, name="contract-import-detail"),
    path("contracts/export/", views.contract_export, name="contract-export"),
]
