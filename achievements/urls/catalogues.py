"""Pages of the dual-use catalogues, mounted at /catalogues/ (templates/achievements/catalogue_*.html)."""

from django.urls import path

from achievements.views import catalogues as views

app_name = "catalogues"

urlpatterns = [
    path("", views.catalogue_list, name="list"),
    path("new/", views.catalogue_create, name="create"),
    path("<int:pk>/", views.catalogue_detail, name="detail"),
    path("<int:pk>/manage/", views.catalogue_manage, name="manage"),
    path("<int:pk>/entries/", views.entry_add, name="entry_add"),
    path("<int:pk>/entries/<int:entry_pk>/remove/", views.entry_remove, name="entry_remove"),
    path("<int:pk>/entries/<int:entry_pk>/move/", views.entry_move, name="entry_move"),
    path("<int:pk>/publish/", views.catalogue_publish, name="publish"),
    path("<int:pk>/delete/", views.catalogue_delete, name="delete"),
]
