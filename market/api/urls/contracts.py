"""Routes of contract registration, the disclosure board and the rule sets (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from market.api.views import contract_lifecycle as lifecycle_views
from market.api.views import contracts as views

router = SimpleRouter(use_regex_path=False)
router.register("contracts", views.ContractViewSet, basename="contract")
# corrections, cancellation, second check, income per year, national number: actions under /contracts/{id}/
router.register("contracts", lifecycle_views.ContractLifecycleViewSet, basename="contract-lifecycle")
router.register("disclosures", views.DisclosureViewSet, basename="disclosure")
router.register("registration-rule-sets", views.RegistrationRuleSetViewSet, basename="registration-rule-set")

urlpatterns = [
    *router.urls,
    path(
        "certificates/<str:code>/",
        lifecycle_views.CertificateVerificationView.as_view(),
        name="certificate-verification",
    ),
]
