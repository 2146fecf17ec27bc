"""Routes of the achievement-filing API, mounted under /api/v1/ (namespace ``api``)."""

from rest_framework.routers import SimpleRouter

from achievements.api.views import filings as views

router = SimpleRouter(use_regex_path=False)
router.register("achievements", views.AchievementViewSet, basename="achievement")
router.register("ip-assets", views.IPAssetViewSet, basename="ip-asset")
router.register("attachments", views.AttachmentViewSet, basename="attachment")

urlpatterns = router.urls
