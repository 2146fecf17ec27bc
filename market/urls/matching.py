"""Pages of supply–demand matches (供需匹配): the match inbox and a party's feedback on a match."""

from django.urls import path

from market.views import matching as views

urlpatterns = [
    path("matches/", views.match_inbox, name="match-inbox"),
    path("matches/<int:pk>/feedback/", views.match_feedback, name="match-feedback"),
]
