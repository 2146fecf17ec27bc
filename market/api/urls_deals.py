"""Placeholder until the deals API lands."""

urlpatterns = []
