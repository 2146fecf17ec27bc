"""Pages of the institution network (templates in templates/institutions/)."""

from django.urls import path

from institutions.views import audit as audit_views
from institutions.views import organisations as views

app_name = "institutions"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("counties/", views.county_options, name="county_options"),
    path("regions/", views.region_options, name="region_options"),
    path("network/", views.network, name="network"),
    path("network/<str:code>/", views.network, name="network_region"),
    path("new/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members/<int:membership_pk>/role/", views.member_change_role, name="member_role"),
    path("<int:pk>/members/<int:membership_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/designations/", views.designations, name="designations"),
    path(
        "<int:pk>/designations/<int:designation_pk>/status/",
        views.designation_change_status,
        name="designation_status",
    ),
    path("<int:pk>/history/", audit_views.organisation_history, name="history"),
]
