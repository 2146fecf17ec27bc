"""Routes of the listings API, mounted under /api/v1/ (namespace ``api``)."""

from rest_framework.routers import SimpleRouter

from market.api.views import listings as views

router = SimpleRouter(use_regex_path=False)
router.register("listings", views.ListingViewSet, basename="listing")
router.register("objections", views.ObjectionViewSet, basename="objection")

urlpatterns = router.urls
