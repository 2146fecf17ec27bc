"""Routes of the technology-demand API, mounted under /api/v1/ (namespace ``api``)."""

from rest_framework.routers import SimpleRouter

from market.api.views import demands as views_demands

router = SimpleRouter(use_regex_path=False)
router.register("demands", views_demands.DemandViewSet, basename="demand")

urlpatterns = router.urls
