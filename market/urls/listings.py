"""Pages of listings (挂牌), publicity (公示) and objections (异议)."""

from django.urls import path

from market.views import listings as views

urlpatterns = [
    path("listings/", views.listing_list, name="listing-list"),
    path("listings/new/", views.listing_create, name="listing-create"),
    path("listings/mine/", views.my_listings, name="my-listings"),
    path("listings/<int:pk>/", views.listing_detail, name="listing-detail"),
    path("listings/<int:pk>/edit/", views.listing_edit, name="listing-edit"),
    path("listings/<int:pk>/publish/", views.listing_publish, name="listing-publish"),
    path("listings/<int:pk>/withdraw/", views.listing_withdraw, name="listing-withdraw"),
    path("listings/<int:pk>/object/", views.objection_file, name="objection-file"),
    path("objections/", views.objection_queue, name="objection-queue"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection-resolve"),
]
