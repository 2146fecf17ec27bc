"""Pages of the Excel import and export, mounted at /achievements/import/."""

from django.urls import path

from achievements.views import imports as import_views

app_name = "achievement_imports"

urlpatterns = [
    path("", import_views.import_start, name="start"),
    path("template/", import_views.import_template, name="template"),
    path("export/", import_views.export, name="export"),
    path("<int:pk>/", import_views.import_detail, name="detail"),
    path("<int:pk>/confirm/", import_views.import_confirm, name="confirm"),
]
