"""Routes of the Excel import and export API, mounted under /api/v1/ (namespace ``api``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from achievements.api.views import imports as import_views

router = SimpleRouter(use_regex_path=False)
router.register("achievement-imports", import_views.AchievementImportViewSet, basename="achievement-import")

urlpatterns = [
    path("achievements-export/", import_views.AchievementExportView.as_view(), name="achievements-export"),
    *router.urls,
]
