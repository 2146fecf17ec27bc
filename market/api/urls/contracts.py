"""Routes of contract registration, the disclosure board and the rule sets (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from market.api.views import contracts as views

router = SimpleRouter(use_regex_path=False)
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("disclosures", views.DisclosureViewSet, basename="disclosure")
router.register("registration-rule-sets", views.RegistrationRuleSetViewSet, basename="registration-rule-set")

urlpatterns = router.urls
