"""Routes of the dual-use catalogue API, mounted under /api/v1/ (namespace ``api``)."""

from rest_framework.routers import SimpleRouter

from achievements.api.views import catalogues as views

router = SimpleRouter(use_regex_path=False)
router.register("catalogues", views.CatalogueViewSet, basename="catalogue")

urlpatterns = router.urls
