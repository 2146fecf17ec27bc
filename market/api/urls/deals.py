"""Routes of the inquiries and deals API, mounted under /api/v1/ (namespace ``api``)."""

from rest_framework.routers import SimpleRouter

from market.api.views import deals as views

router = SimpleRouter(use_regex_path=False)
router.register("inquiries", views.InquiryViewSet, basename="inquiry")
router.register("deals", views.DealViewSet, basename="deal")

urlpatterns = router.urls
