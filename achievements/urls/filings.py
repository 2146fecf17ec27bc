"""Pages of achievement filing (templates in templates/achievements/)."""

from django.urls import path

from achievements.views import filings as views

app_name = "achievements"

urlpatterns = [
    path("", views.achievement_list, name="list"),
    path("mine/", views.my_filings, name="mine"),
    path("review/", views.review_queue, name="review_queue"),
    path("new/", views.achievement_create, name="create"),
    path("organisations/", views.organisation_suggestions, name="organisation_suggestions"),
    path("<int:pk>/", views.achievement_detail, name="detail"),
    path("<int:pk>/edit/", views.achievement_edit, name="edit"),
    path("<int:pk>/edit/<int:step>/", views.achievement_edit, name="edit_step"),
    path("<int:pk>/submit/", views.achievement_submit, name="submit"),
    path("<int:pk>/withdraw/", views.achievement_withdraw, name="withdraw"),
    path("<int:pk>/publish/", views.achievement_publish, name="publish"),
    path("<int:pk>/approve/", views.achievement_approve, name="approve"),
    path("<int:pk>/return/", views.achievement_return, name="return"),
    path("<int:pk>/ip-assets/<int:asset_pk>/remove/", views.ip_asset_remove, name="ip_asset_remove"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
]
