"""Routes of the notifications API, mounted under /api/v1/ (namespace ``api``)."""

from rest_framework.routers import SimpleRouter

from notifications.api import views

router = SimpleRouter(use_regex_path=False)
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = router.urls
