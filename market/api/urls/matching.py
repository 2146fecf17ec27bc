"""Routes of the matching API, mounted under /api/v1/ (namespace ``api``): the matches of one demand or
listing, the caller's inbox, one match and its feedback."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from market.api.views import matching as views

router = SimpleRouter(use_regex_path=False)
router.register("matches", views.MatchViewSet, basename="match")

urlpatterns = [
    path("demands/<int:id>/matches/", views.DemandMatchListView.as_view(), name="demand-match-list"),
    path("listings/<int:id>/matches/", views.ListingMatchListView.as_view(), name="listing-match-list"),
    *router.urls,
]
