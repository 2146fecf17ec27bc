"""Routes of the institution-network API, mounted under /api/v1/ (namespace ``api``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from institutions.api import views

router = SimpleRouter(use_regex_path=False)
router.register("regions", views.RegionViewSet, basename="region")
router.register("classifications", views.ClassificationViewSet, basename="classification")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("designations", views.DesignationViewSet, basename="designation")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("todo/", views.TodoView.as_view(), name="todo"),
    *router.urls,
]
