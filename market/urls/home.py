"""The market home page at /market/."""

from django.urls import path

from market.views import home as views

urlpatterns = [
    path("", views.market_home, name="home"),
]
