"""The site's home page, mounted at / by ``config/urls.py`` (the name ``home``, without a namespace)."""

from django.urls import path

from institutions.views import home as views

urlpatterns = [
    path("", views.home, name="home"),
]
