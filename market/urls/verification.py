"""The public verification of a registration certificate (技术合同登记证明), at /verify/ (no sign-in)."""

from django.urls import path

from market.views import contract_lifecycle as views

urlpatterns = [
    path("", views.certificate_verify, name="certificate-verify"),
    path("<str:code>/", views.certificate_verify_code, name="certificate-verify-code"),
]
