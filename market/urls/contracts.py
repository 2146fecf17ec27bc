"""Pages of contract registration, the registrar's queue and the disclosure board (namespace ``market``)."""

from django.urls import path

from market.views import contract_lifecycle as lifecycle_views
from market.views import contracts as views

urlpatterns = [
    path("deals/<int:pk>/contract/", views.contract_edit, name="contract-edit"),
    path("contracts/", views.my_contracts, name="my-contracts"),
    path("contracts/new/", views.contract_new, name="contract-new"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/edit/", views.contract_form, name="contract-form"),
    path(
        "contracts/<int:pk>/reveal/<str:side>/",
        views.contract_reveal_id_number,
        name="contract-reveal-id-number",
    ),
    path("contracts/<int:pk>/file/", views.contract_file, name="contract-file"),
    path("contracts/<int:pk>/submit/", views.contract_submit, name="contract-submit"),
    path("contracts/<int:pk>/register/", views.contract_register, name="contract-register"),
    path("contracts/<int:pk>/reject/", views.contract_reject, name="contract-reject"),
    path(
        "contracts/<int:pk>/certify-income/",
        lifecycle_views.contract_certify_income,
        name="contract-certify-income",
    ),
    path("contracts/<int:pk>/amend/", lifecycle_views.contract_amend, name="contract-amend"),
    path("contracts/<int:pk>/cancel/", lifecycle_views.contract_cancel, name="contract-cancel"),
    path(
        "contracts/<int:pk>/second-check/",
        lifecycle_views.contract_second_check,
        name="contract-second-check",
    ),
    path(
        "contracts/<int:pk>/national-number/",
        lifecycle_views.contract_national_number,
        name="contract-national-number",
    ),
    path(
        "contracts/<int:pk>/certificate/", lifecycle_views.contract_certificate, name="contract-certificate"
    ),
    path(
        "contracts/<int:pk>/certificate.pdf",
        lifecycle_views.contract_certificate_pdf,
        name="contract-certificate-pdf",
    ),
    path("registration/", views.registration_queue, name="registration-queue"),
    path("registration/paper/", views.contract_paper_new, name="contract-paper-new"),
    path("disclosures/", views.disclosure_list, name="disclosure-list"),
    path("disclosures/<int:pk>/", views.disclosure_detail, name="disclosure-detail"),
]
