"""Placeholder until the home pages land."""

urlpatterns = []
